package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shopstream.local.aws.FreePorts;
import dev.shopstream.local.aws.SesLocal;
import dev.shopstream.testkit.ShopItems;
import dev.shopstream.testkit.WorkerProcess;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * bin/local-aws as a developer uses it: {@code up}, the worker as its own JVM with the printed
 * environment, one order written with the AWS SDK, its confirmation email read back from the SES
 * emulator, then {@code down}: every port closed, the state file gone, {@code status} says so.
 */
@Tag("process")
class LocalAwsScriptTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void upRunsAWorkerEndToEndAndDownClosesEveryPort(@TempDir Path stateDir) throws Exception {
    Path state = stateDir.resolve("state.env");
    Result up = script(stateDir, "up");
    assertThat(up.exit).as(up.output).isZero();
    assertThat(up.output).contains("export SHOP_DYNAMODB_ENDPOINT=", "shop-stream.jar run");
    Map<String, String> values = parse(state);
    List<Integer> ports = Arrays.stream(values.get("LOCAL_AWS_PORTS").split(" ")).map(Integer::valueOf).toList();
    assertThat(ports).hasSize(3).allSatisfy(port -> assertThat(FreePorts.accepts(port)).isTrue());
    assertThat(script(stateDir, "status").exit).isZero();

    Map<String, String> env = new HashMap<>();
    values.forEach((key, value) -> {
      if (key.startsWith("SHOP_")) {
        env.put(key, value);
      }
    });
    assertThat(env).containsKeys("SHOP_TABLE", "SHOP_DYNAMODB_ENDPOINT", "SHOP_SES_ENDPOINT", "SHOP_DLQ_URL");
    try (WorkerProcess worker = WorkerProcess.start(env, Path.of("target", "local-aws-script", "worker.log"));
        DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create(values.get("LOCAL_AWS_DYNAMODB")))
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .build()) {
      dynamo.putItem(r -> r.tableName(env.get("SHOP_TABLE")).item(ShopItems.order("ada", "2026-11-27", "o-script",
          "PLACED", "EUR", "ada@example.com", List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))))));
      URI ses = URI.create(values.get("LOCAL_AWS_SES"));
      await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
          .until(() -> !SesLocal.sentEmails(ses).isEmpty() || !worker.isAlive());
      assertThat(SesLocal.sentEmails(ses)).as(worker.log()).singleElement().satisfies(email -> {
        assertThat(email.to()).containsExactly("ada@example.com");
        assertThat(email.subject()).contains("o-script");
      });
      assertThat(worker.terminate(Duration.ofSeconds(30))).as("worker stops on SIGTERM").isNotNull();
    }

    Result down = script(stateDir, "down");
    assertThat(down.exit).as(down.output).isZero();
    assertThat(ports).allSatisfy(port -> assertThat(FreePorts.accepts(port)).as("port " + port).isFalse());
    assertThat(state).doesNotExist();
    Result status = script(stateDir, "status");
    assertThat(status.exit).isEqualTo(3);
    assertThat(status.output).contains("not running");
  }

  private record Result(int exit, String output) {}

  /** Runs bin/local-aws with this JVM's classpath (no nested Maven build). */
  private static Result script(Path stateDir, String command) throws IOException, InterruptedException {
    Path output = stateDir.resolve(command + ".out");
    ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("bin").resolve("local-aws").toString(), command)
        .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("LOCAL_AWS_STATE_DIR", stateDir.toString());
    builder.environment().put("LOCAL_AWS_CLASSPATH", System.getProperty("java.class.path"));
    Process process = builder.start();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("bin/local-aws " + command + " did not finish within 3 minutes:\n"
          + Files.readString(output, StandardCharsets.UTF_8));
    }
    return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
  }

  /** The state file's KEY=VALUE and export KEY='VALUE' lines. */
  private static Map<String, String> parse(Path state) throws IOException {
    Map<String, String> values = new HashMap<>();
    for (String line : Files.readAllLines(state, StandardCharsets.UTF_8)) {
      if (line.startsWith("#") || !line.contains("=")) {
        continue;
      }
      String assignment = line.startsWith("export ") ? line.substring("export ".length()) : line;
      String key = assignment.substring(0, assignment.indexOf('='));
      String value = assignment.substring(assignment.indexOf('=') + 1);
      if (value.length() >= 2 && (value.startsWith("'") || value.startsWith("\""))) {
        value = value.substring(1, value.length() - 1).replace("'\\''", "'");
      }
      values.put(key, value);
    }
    return values;
  }
}
