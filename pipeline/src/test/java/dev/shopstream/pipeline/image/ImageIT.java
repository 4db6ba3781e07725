package dev.shopstream.pipeline.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.ExposedPort;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.local.aws.SentEmail;
import dev.shopstream.pipeline.testing.LeaseTable;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.testkit.SesWithSendEvents;
import dev.shopstream.testkit.ShopItems;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The worker's image (target/shop-stream-image.tar, Docker format, built by Jib in profile "image", which
 * bin/test enables) loaded into a real Docker engine and run as ECS runs the task definition of
 * docker/shop-stream.yaml (read by {@link TaskDefinition}, run by {@link WorkerContainers}): the worker
 * container's memory limit (its own share of the task's memory), a read-only root filesystem with /tmp as the
 * template's scratch volume, the image's user (the template sets none), the template's environment with each resource
 * pointed at the local stack, and the template's health check command. An order becomes an email; the heap the worker's
 * JVM sizes in the container is the 75 % of the limit the template intends; {@code docker stop} with the template's
 * stop timeout ends it with 143 within that timeout, its lease released.
 *
 * <p>The engine is bin/test's (or DOCKER_HOST's); nothing is pulled, Testcontainers' reaper is off
 * (TESTCONTAINERS_RYUK_DISABLED, failsafe) and the test removes its container itself. The container shares the
 * host's network, since the local services listen on 127.0.0.1 only: no traffic leaves the machine.
 */
class ImageIT {
  private static final long MIB = 1024L * 1024L;

  private static TaskDefinition task;

  @BeforeAll
  static void loadTheImage() throws Exception {
    task = TaskDefinition.worker();
    WorkerContainers.loadImage();
  }

  @Test
  void theImageRunsTheWorkerAsANonRootUserWithAContainerAwareHeap() {
    InspectImageResponse image = DockerClientFactory.instance().client().inspectImageCmd(WorkerContainers.IMAGE).exec();
    var config = image.getConfig();
    assertThat(config.getUser()).isEqualTo("10001:10001");
    assertThat(List.of(config.getEntrypoint())).as("exec form: the JVM is PID 1 and gets SIGTERM").first()
        .isEqualTo("java");
    assertThat(config.getEntrypoint()).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError")
        .endsWith("dev.shopstream.pipeline.cli.Main");
    assertThat(config.getCmd()).containsExactly(task.command().toArray(String[]::new));
    assertThat(config.getEnv()).contains("SHOP_HTTP_PORT=8080", "SHOP_LOG_FORMAT=json")
        .anySatisfy(env -> assertThat(env).startsWith("PATH="));
    assertThat(config.getExposedPorts()).contains(ExposedPort.tcp(8080));
    assertThat(config.getWorkingDir()).isEqualTo("/app");
    assertThat(config.getLabels()).containsEntry("dev.shopstream.healthcheck",
        String.join(" ", task.healthCheck()));
    assertThat(image.getRootFS().getLayers()).as("the base's one layer, then Jib's").hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void runAsTheTaskDefinitionSaysTheWorkerEmailsAnOrderAndStopsInTime() throws Exception {
    long memoryLimit = WorkerContainers.memoryLimit(task);
    int stopTimeout = task.stopTimeoutSeconds();
    assertThat(task.readonlyRootFilesystem()).isTrue();
    assertThat(task.mountPaths()).containsExactly("/tmp");
    assertThat(task.setsUser()).as("no user in the template: the image's user runs the worker").isFalse();

    try (LocalShopStack stack = LocalWorkers.stack()) {
      String sendEventsTopic = stack.sns.createTopic(r -> r.name("image-it-ses-events")).topicArn();
      String sendEventsQueue = WorkerContainers.sendEventsQueue(stack, sendEventsTopic);
      try (SesWithSendEvents ses = SesWithSendEvents.start(stack.ses.endpoint(), stack.sns, sendEventsTopic)) {
        Map<String, String> env = WorkerContainers.environment(task, stack, stack.moto.endpoint(), ses,
            sendEventsQueue);
        String applicationName = env.get("SHOP_APPLICATION_NAME");

        Path log = WorkerContainers.WORK.resolve("worker.log");
        try (GenericContainer<?> container = WorkerContainers.create(task, env, log)) {
          container.start();
          String id = container.getContainerId();
          InspectContainerResponse started = container.getDockerClient().inspectContainerCmd(id).exec();
          assertThat(started.getHostConfig().getReadonlyRootfs()).isTrue();
          assertThat(started.getHostConfig().getMemory()).isEqualTo(memoryLimit);
          assertThat(started.getConfig().getUser()).isEqualTo("10001:10001");
          assertThat(container.execInContainer("touch", "/app/written").getExitCode()).as("read-only root").isNotZero();
          assertThat(container.execInContainer("id", "-u").getStdout().trim()).isEqualTo("10001");

          // the heap: the worker's own JVM (PID 1), asked with jcmd from the JRE's jdk.jcmd module
          ExecResult flags = container.execInContainer("java", "-m", "jdk.jcmd/sun.tools.jcmd.JCmd", "1", "VM.flags");
          assertThat(flags.getExitCode()).as(flags.getStdout() + flags.getStderr()).isZero();
          Matcher maxHeap = Pattern.compile("-XX:MaxHeapSize=(\\d+)").matcher(flags.getStdout());
          assertThat(maxHeap.find()).as(flags.getStdout()).isTrue();
          long heap = Long.parseLong(maxHeap.group(1));
          assertThat((double) heap).as("max heap %d MiB of a %d MiB limit", heap / MIB, memoryLimit / MIB)
              .isCloseTo(0.75 * memoryLimit, Percentage.withPercentage(1));

          LeaseTable leases = new LeaseTable(stack.dynamo, applicationName);
          String owner = awaitLeaseOwner(leases, Duration.ofSeconds(120), log);
          // the template starts at LATEST: orders written before the shard's first iterator are not for it, so
          // write until one is mailed (each order once)
          List<String> written = new ArrayList<>();
          List<SentEmail> emails = List.of();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
          while (emails.isEmpty() && System.nanoTime() < deadline) {
            String orderId = "o-image-" + written.size();
            stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(ShopItems.order("ada",
                "2026-11-27", orderId, "PLACED", "EUR", "ada@example.com",
                List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))))));
            written.add(orderId);
            emails = stack.ses.awaitAtLeast(1, Duration.ofSeconds(10));
          }
          assertThat(emails).as("an order's confirmation (worker log %s)", log).isNotEmpty()
              .allSatisfy(email -> assertThat(written).anySatisfy(orderId ->
                  assertThat(email.subject()).contains(orderId)));
          assertThat(Files.readString(log)).as("JSON logs from the template's environment").contains("{\"@timestamp\"");

          List<String> probe = task.healthCheck();
          ExecResult health = container.execInContainer(probe.toArray(String[]::new));
          assertThat(health.getExitCode()).as(health.getStdout() + health.getStderr()).isZero();
          assertThat(health.getStdout()).contains("/health/live 200");

          long stopStart = System.nanoTime();
          container.getDockerClient().stopContainerCmd(id).withTimeout(stopTimeout).exec();
          Duration stopped = Duration.ofNanos(System.nanoTime() - stopStart);
          InspectContainerResponse.ContainerState state = container.getDockerClient().inspectContainerCmd(id)
              .exec().getState();
          assertThat(state.getExitCodeLong()).as("SIGTERM, handled (log %s)", log).isEqualTo(143L);
          assertThat(stopped).as("stopped before ECS's SIGKILL").isLessThan(Duration.ofSeconds(stopTimeout));
          assertThat(Files.readString(log)).contains("stopped (graceful=true)");
          assertThat(Files.readString(log)).contains("released 1 lease(s) of worker " + owner);
          assertThat(leases.leases().values()).as("the stopped worker's lease, free for the next task at once")
              .singleElement().satisfies(lease -> assertThat(lease.owner()).isNull());
          System.out.printf("image test: max heap %d MiB of %d MiB, docker stop took %d ms (stop timeout %d s), %d "
              + "order(s) written for one email%n", heap / MIB, memoryLimit / MIB, stopped.toMillis(), stopTimeout,
              written.size());
        }
      }
    }
  }

  /**
   * A backlog of large items (300 KB orders, each mailed) as a restart after an outage meets it, read by the
   * worker container under the same constraints: all handled, the container neither killed by the kernel's OOM
   * killer nor ended by the JVM's ExitOnOutOfMemoryError, its peak memory reported. The one deviation from the
   * template: TRIM_HORIZON instead of LATEST, so that a fresh lease table starts at the backlog's beginning
   * (a restarted service resumes from its checkpoint the same way).
   */
  @Test
  void aBacklogOfLargeItemsIsWorkedOffInsideTheMemoryLimit() throws Exception {
    long memoryLimit = WorkerContainers.memoryLimit(task);
    int orders = 200;
    int padding = 300 * 1024;
    try (LocalShopStack stack = LocalWorkers.stack()) {
      String sendEventsTopic = stack.sns.createTopic(r -> r.name("image-it-backlog-ses-events")).topicArn();
      String sendEventsQueue = WorkerContainers.sendEventsQueue(stack, sendEventsTopic);
      try (SesWithSendEvents ses = SesWithSendEvents.start(stack.ses.endpoint(), stack.sns, sendEventsTopic)) {
        String note = "x".repeat(padding);
        for (int i = 0; i < orders; i++) {
          Map<String, AttributeValue> item = new HashMap<>(
              ShopItems.order("u-" + (i % 20), "2026-11-27", "o-large-" + i, "PLACED", "EUR",
                  "buyer-" + i + "@example.com", List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50")))));
          item.put("giftNote", AttributeValue.fromS(note));
          stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(item));
        }
        Map<String, String> env = WorkerContainers.environment(task, stack, stack.moto.endpoint(), ses,
            sendEventsQueue);
        env.put("SHOP_INITIAL_POSITION", "TRIM_HORIZON");
        Path log = WorkerContainers.WORK.resolve("backlog-worker.log");
        long start = System.nanoTime();
        try (GenericContainer<?> container = WorkerContainers.create(task, env, log)) {
          container.start();
          List<SentEmail> emails = stack.ses.awaitAtLeast(orders, Duration.ofSeconds(240));
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          InspectContainerResponse.ContainerState state =
              container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec().getState();
          assertThat(state.getOOMKilled()).as("killed by the kernel for memory (log %s)", log).isFalse();
          assertThat(state.getRunning()).as("still running (exit code %s, log %s)", state.getExitCodeLong(), log)
              .isTrue();
          assertThat(emails).as("every large order mailed (log %s)", log).hasSizeGreaterThanOrEqualTo(orders);
          ExecResult peak = container.execInContainer("cat", "/sys/fs/cgroup/memory/memory.max_usage_in_bytes");
          System.out.printf("image backlog test: %d orders of %d KB mailed in %d s; container peak memory %s MiB of "
              + "%d MiB%n", orders, padding / 1024, took.toSeconds(),
              peak.getExitCode() == 0 ? Long.toString(Long.parseLong(peak.getStdout().trim()) / MIB) : "unknown",
              memoryLimit / MIB);
        }
      }
    }
  }

  private static String awaitLeaseOwner(LeaseTable leases, Duration timeout, Path log) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (LeaseTable.Lease lease : leases.leases().values()) {
        if (lease.owner() != null) {
          return lease.owner();
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no lease taken within " + timeout + " (worker log " + log + "):\n"
        + (Files.exists(log) ? Files.readString(log) : ""));
  }
}
