package dev.shopstream.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class MainCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "replay", "status", "dlq list", "dlq redrive"})
  void everyCommandExplainsItselfWithAnExample(String command) {
    String[] args = (command + " --help").split(" ");
    assertThat(run(args)).isZero();
    assertThat(out.toString()).contains("Usage: shop-stream " + command).containsIgnoringCase("example");
  }

  @Test
  void badArgumentsGiveAClearLineAndANonZeroExit() {
    assertThat(run("replay", "--from", "yesterday")).isEqualTo(2);
    assertThat(err.toString().lines().findFirst()).hasValueSatisfying(line ->
        assertThat(line).contains("--from").contains("yesterday"));
    assertThat(run("replay", "--bogus")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--bogus'");
    assertThat(run("frobnicate")).isEqualTo(2);
  }

  private int runWith(Map<String, String> env, String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      return Main.commandLine(new Main(env)).setOut(new PrintWriter(out)).setErr(new PrintWriter(err, true))
          .execute(args);
    } finally {
      System.setErr(original);
      err.write(captured.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void badConfigurationIsOneLinePerProblemExitTwoAndNoStackTrace() {
    int exit = runWith(Map.of("SHOP_TRIMED_DATA_POLICY", "HOLD", "SHOP_POLL_IDLE_MILLIS", "fast"), "status");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString().lines()).containsExactlyInAnyOrder(
        "shop-stream cannot start: invalid configuration",
        "  SHOP_POLL_IDLE_MILLIS='fast' must be a whole number between 10 and 60000 (default: '250')",
        "  SHOP_DLQ_URL must be set to an SQS queue URL: records that cannot be handled are parked there, never "
            + "dropped",
        "  SHOP_TRIMED_DATA_POLICY is not a setting of shop-stream; did you mean SHOP_TRIMMED_DATA_POLICY?");
  }

  @Test
  void statusAndDlqListNeedNoHandlerSettings() {
    // no sender, topics or analytics key: those belong to handlers, which these commands never build;
    // the endpoint is closed, so the command gets as far as its first AWS call and reports that in one line
    Map<String, String> env = Map.of("SHOP_DLQ_URL", "http://127.0.0.1:1/000000000000/dlq",
        "SHOP_DYNAMODB_ENDPOINT", "http://127.0.0.1:1", "SHOP_SQS_ENDPOINT", "http://127.0.0.1:1",
        "SHOP_AWS_DUMMY_CREDENTIALS", "true");
    assertThat(runWith(env, "dlq", "list")).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("SHOP_EMAIL_FROM", "SHOP_ANALYTICS", "\tat ");
    assertThat(err.toString().lines()).singleElement().satisfies(line ->
        assertThat(line).startsWith("shop-stream: an AWS call failed: ").contains("127.0.0.1:1"));
  }

  @Test
  void anUnreachableDependencyStopsRunWithOneLineEachAndExitTwo() {
    Map<String, String> env = Map.of("SHOP_DLQ_URL", "http://127.0.0.1:1/000000000000/dlq", "SHOP_HANDLERS", "logging",
        "SHOP_DYNAMODB_ENDPOINT", "http://127.0.0.1:1", "SHOP_SQS_ENDPOINT", "http://127.0.0.1:1",
        "SHOP_AWS_DUMMY_CREDENTIALS", "true");
    assertThat(runWith(env, "run")).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(3).first()
        .isEqualTo("shop-stream cannot start: 2 dependencies not usable");
    assertThat(err.toString()).contains("DynamoDB (SHOP_TABLE=shop): ", "SHOP_DLQ_URL: queue ", "Connection refused")
        .doesNotContain("\tat ");
  }
}
