package dev.shopstream.pipeline.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.local.FreePorts;
import dev.shopstream.local.LocalShopStack;
import dev.shopstream.local.SentEmail;
import dev.shopstream.local.ShopItems;
import dev.shopstream.pipeline.testing.ChrootContainer;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.pipeline.testing.OciImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker's OCI image as Jib built it (target/shop-stream-image.tar, profile "image", which bin/test
 * enables): its config, its layers, and its entrypoint run inside the unpacked root filesystem with chroot
 * as the image's user: {@code --help}, then {@code run} against the local stack until an order's
 * confirmation email arrives, with the image's health check command answering meanwhile. Runs in failsafe
 * (after package); needs root for chroot, mount and mknod.
 */
class ImageIT {
  private static final Path TARBALL = Path.of("target", "shop-stream-image.tar");
  private static final Path WORK = Path.of("target", "image-it");
  private static OciImage image;
  private static ChrootContainer container;

  @BeforeAll
  static void unpack() throws Exception {
    assertThat(TARBALL).as("the image tarball: build with -Pimage (bin/test does)").exists();
    ChrootContainer.unmount(WORK.resolve("rootfs"));
    deleteRecursively(WORK);
    image = OciImage.open(TARBALL, WORK.resolve("oci"));
    image.unpack(WORK.resolve("rootfs"));
  }

  @AfterAll
  static void release() throws Exception {
    if (container != null) {
      container.close();
    }
  }

  @Test
  void theConfigRunsTheWorkerAsANonRootUserWithAContainerAwareHeap() throws IOException {
    var runtime = image.runtime();
    assertThat(runtime.get("User").asText()).isEqualTo("10001:10001");
    List<String> entrypoint = image.strings("Entrypoint");
    assertThat(entrypoint).as("exec form: the JVM is PID 1 and gets SIGTERM").first().isEqualTo("java");
    assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError")
        .endsWith("dev.shopstream.pipeline.app.Main");
    assertThat(image.strings("Cmd")).containsExactly("run");
    assertThat(image.strings("Env")).contains("SHOP_HTTP_PORT=8080", "SHOP_LOG_FORMAT=json")
        .anySatisfy(env -> assertThat(env).startsWith("PATH="));
    assertThat(runtime.get("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(runtime.get("WorkingDir").asText()).isEqualTo("/app");
    assertThat(runtime.get("Labels").get("dev.shopstream.healthcheck").asText())
        .isEqualTo("java -cp /app/classes dev.shopstream.pipeline.ops.HealthProbe live");

    // the base's one layer, then Jib's layers: libraries change least, classes most
    assertThat(image.historyComments()).containsSubsequence("dependencies", "project dependencies", "resources", "classes");
    assertThat(image.layerCount()).isGreaterThanOrEqualTo(5);
    Path rootfs = WORK.resolve("rootfs");
    assertThat(rootfs.resolve("app/classes/dev/shopstream/pipeline/app/Main.class")).exists();
    assertThat(rootfs.resolve("app/libs/amazon-kinesis-client-3.1.1.jar")).exists();
    assertThat(Files.readString(rootfs.resolve("app/jib-classpath-file"))).contains("/app/libs/handlers-");
    assertThat(Files.readAllLines(rootfs.resolve("etc/passwd"))).contains("shop:x:10001:10001:shop-stream worker:/app:/usr/sbin/nologin");
    assertThat(rootfs.resolve("etc/shop-stream-base-packages.txt")).content().contains("openjdk-17-jre-headless=");
  }

  @Test
  void theEntrypointRunsInsideTheRootFilesystemAndTheWorkerHandlesAnOrder() throws Exception {
    try (LocalShopStack stack = LocalWorkers.stack()) {
      int httpPort = FreePorts.pick();
      Map<String, String> env = new HashMap<>();
      for (String entry : image.strings("Env")) {
        env.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
      }
      env.putAll(stack.workerEnvironment("image-it"));
      env.put("SHOP_HTTP_PORT", Integer.toString(httpPort));
      env.put("SHOP_HTTP_HOST", "127.0.0.1");
      env.put("SHOP_LOG_FORMAT", "json");
      env.put("SHOP_WORKER_ID", "image-it");
      env.put("AWS_REGION", "us-east-1");
      container = ChrootContainer.prepare(WORK.resolve("rootfs"), image.runtime().get("User").asText(),
          image.runtime().get("WorkingDir").asText(), env);

      List<String> help = new ArrayList<>(image.strings("Entrypoint"));
      help.add("--help");
      Path helpLog = WORK.resolve("help.log");
      Process helpRun = container.start(help, helpLog);
      assertThat(helpRun.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(helpRun.exitValue()).as(Files.readString(helpLog)).isZero();
      assertThat(Files.readString(helpLog)).contains("Usage: shop-stream", "run", "replay", "status", "dlq");

      List<String> run = new ArrayList<>(image.strings("Entrypoint"));
      run.addAll(image.strings("Cmd"));
      Path workerLog = WORK.resolve("worker.log");
      Process worker = container.start(run, workerLog);
      try {
        stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(ShopItems.order("ada", "2026-11-27", "o-image",
            "PLACED", "EUR", "ada@example.com", List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))))));
        List<SentEmail> emails = stack.ses.awaitAtLeast(1, Duration.ofSeconds(150));
        assertThat(emails).as(Files.readString(workerLog, StandardCharsets.UTF_8)).singleElement()
            .satisfies(email -> assertThat(email.subject()).contains("o-image"));
        assertThat(Files.readString(workerLog)).as("JSON logs from the image's environment").contains("{\"@timestamp\"");

        List<String> healthcheck = List.of(image.runtime().get("Labels").get("dev.shopstream.healthcheck").asText().split(" "));
        Path probeLog = WORK.resolve("healthcheck.log");
        Process probe = container.start(healthcheck, probeLog);
        assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as(Files.readString(probeLog)).isZero();
        assertThat(Files.readString(probeLog)).contains("/health/live 200");

        worker.destroy(); // SIGTERM straight to the JVM: chroot and env exec, nothing in between
        assertThat(worker.waitFor(40, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        assertThat(worker.exitValue()).isEqualTo(143);
        assertThat(Files.readString(workerLog)).contains("graceful=true");
      } finally {
        worker.destroyForcibly();
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
