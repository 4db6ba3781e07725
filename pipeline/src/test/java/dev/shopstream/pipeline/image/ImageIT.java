package dev.shopstream.pipeline.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.ExposedPort;
import dev.shopstream.local.FreePorts;
import dev.shopstream.local.LocalShopStack;
import dev.shopstream.local.SentEmail;
import dev.shopstream.local.SesWithSendEvents;
import dev.shopstream.local.ShopItems;
import dev.shopstream.pipeline.testing.LeaseTable;
import dev.shopstream.pipeline.testing.LocalWorkers;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The worker's image (target/shop-stream-image.tar, Docker format, built by Jib in profile "image", which
 * bin/test enables) loaded into a real Docker engine and run as ECS runs the task definition of
 * docker/shop-stream.yaml: the worker container's memory limit (the task's memory: the worker declares no
 * share of its own), a read-only root filesystem with /tmp as the template's scratch volume, the image's user
 * (the template sets none), the template's environment with each resource pointed at the local stack, and the
 * template's health check command. An order becomes an email; the heap the worker's JVM sizes in the container
 * is the 75 % of the limit the template intends; {@code docker stop} with the template's stop timeout ends it
 * with 143 within that timeout, its lease released.
 *
 * <p>The engine is bin/test's (or DOCKER_HOST's); nothing is pulled, Testcontainers' reaper is off
 * (TESTCONTAINERS_RYUK_DISABLED, failsafe) and the test removes its container itself. The container shares the
 * host's network, since the local services listen on 127.0.0.1 only: no traffic leaves the machine.
 */
class ImageIT {
  private static final Path TARBALL = Path.of("target", "shop-stream-image.tar");
  private static final Path TEMPLATE = Path.of("").toAbsolutePath().getParent().resolve("docker").resolve("shop-stream.yaml");
  private static final Path WORK = Path.of("target", "image-it");
  private static final String IMAGE = "shop-stream:test";
  private static final long MIB = 1024L * 1024L;

  private static JsonNode template;
  private static JsonNode worker;

  @BeforeAll
  static void loadTheImage() throws Exception {
    assertThat(TARBALL).as("the image tarball: build with -Pimage (bin/test does)").exists();
    Files.createDirectories(WORK);
    template = new YAMLMapper().readTree(TEMPLATE.toFile());
    worker = null;
    for (JsonNode definition : template.at("/Resources/TaskDefinition/Properties/ContainerDefinitions")) {
      if (definition.get("Name").asText().equals("worker")) {
        worker = definition;
      }
    }
    assertThat(worker).as("the template's worker container").isNotNull();
    DockerClient docker = DockerClientFactory.instance().client();
    try (InputStream tar = Files.newInputStream(TARBALL)) {
      docker.loadImageCmd(tar).exec();
    }
    String loaded = System.getProperty("shop.image");
    assertThat(loaded).as("system property shop.image (failsafe sets it)").isNotNull();
    docker.tagImageCmd(loaded, "shop-stream", "test").withForce().exec();
  }

  @Test
  void theImageRunsTheWorkerAsANonRootUserWithAContainerAwareHeap() {
    InspectImageResponse image = DockerClientFactory.instance().client().inspectImageCmd(IMAGE).exec();
    var config = image.getConfig();
    assertThat(config.getUser()).isEqualTo("10001:10001");
    assertThat(List.of(config.getEntrypoint())).as("exec form: the JVM is PID 1 and gets SIGTERM").first().isEqualTo("java");
    assertThat(config.getEntrypoint()).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError")
        .endsWith("dev.shopstream.pipeline.app.Main");
    assertThat(config.getCmd()).containsExactly(commandOf(worker).toArray(String[]::new));
    assertThat(config.getEnv()).contains("SHOP_HTTP_PORT=8080", "SHOP_LOG_FORMAT=json")
        .anySatisfy(env -> assertThat(env).startsWith("PATH="));
    assertThat(config.getExposedPorts()).contains(ExposedPort.tcp(8080));
    assertThat(config.getWorkingDir()).isEqualTo("/app");
    assertThat(config.getLabels()).containsEntry("dev.shopstream.healthcheck",
        String.join(" ", healthCheck()));
    assertThat(image.getRootFS().getLayers()).as("the base's one layer, then Jib's").hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void runAsTheTaskDefinitionSaysTheWorkerEmailsAnOrderAndStopsInTime() throws Exception {
    long memoryLimit = containerMemoryMiB() * MIB;
    int stopTimeout = worker.get("StopTimeout").asInt();
    assertThat(worker.get("ReadonlyRootFilesystem").asBoolean()).isTrue();
    assertThat(worker.get("MountPoints").findValuesAsText("ContainerPath")).containsExactly("/tmp");
    assertThat(worker.has("User")).as("no user in the template: the image's user runs the worker").isFalse();

    try (LocalShopStack stack = LocalWorkers.stack()) {
      String sendEventsTopic = stack.sns.createTopic(r -> r.name("image-it-ses-events")).topicArn();
      String sendEventsQueue = sendEventsQueue(stack, sendEventsTopic);
      try (SesWithSendEvents ses = SesWithSendEvents.start(stack.ses.endpoint(), stack.sns, sendEventsTopic)) {
        Map<String, String> env = environment(stack, ses, sendEventsQueue);
        String applicationName = env.get("SHOP_APPLICATION_NAME");

        Path log = WORK.resolve("worker.log");
        Files.deleteIfExists(log);
        try (GenericContainer<?> container = workerContainer(env, memoryLimit, log)) {
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
              .isCloseTo(0.75 * memoryLimit, org.assertj.core.data.Percentage.withPercentage(1));

          LeaseTable leases = new LeaseTable(stack.dynamo, applicationName);
          String owner = awaitLeaseOwner(leases, Duration.ofSeconds(120), log);
          // the template starts at LATEST: orders written before the shard's first iterator are not for it, so
          // write until one is mailed (each order once)
          List<String> written = new ArrayList<>();
          List<SentEmail> emails = List.of();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
          while (emails.isEmpty() && System.nanoTime() < deadline) {
            String orderId = "o-image-" + written.size();
            stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(ShopItems.order("ada", "2026-11-27", orderId,
                "PLACED", "EUR", "ada@example.com", List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))))));
            written.add(orderId);
            emails = stack.ses.awaitAtLeast(1, Duration.ofSeconds(10));
          }
          assertThat(emails).as("an order's confirmation (worker log %s)", log).isNotEmpty()
              .allSatisfy(email -> assertThat(written).anySatisfy(orderId -> assertThat(email.subject()).contains(orderId)));
          assertThat(Files.readString(log)).as("JSON logs from the template's environment").contains("{\"@timestamp\"");

          List<String> probe = healthCheck();
          ExecResult health = container.execInContainer(probe.toArray(String[]::new));
          assertThat(health.getExitCode()).as(health.getStdout() + health.getStderr()).isZero();
          assertThat(health.getStdout()).contains("/health/live 200");

          long stopStart = System.nanoTime();
          container.getDockerClient().stopContainerCmd(id).withTimeout(stopTimeout).exec();
          Duration stopped = Duration.ofNanos(System.nanoTime() - stopStart);
          InspectContainerResponse.ContainerState state = container.getDockerClient().inspectContainerCmd(id).exec().getState();
          assertThat(state.getExitCodeLong()).as("SIGTERM, handled (log %s)", log).isEqualTo(143L);
          assertThat(stopped).as("stopped before ECS's SIGKILL").isLessThan(Duration.ofSeconds(stopTimeout));
          assertThat(Files.readString(log)).contains("stopped (graceful=true)");
          assertThat(Files.readString(log)).contains("released 1 lease(s) of worker " + owner);
          assertThat(leases.leases().values()).as("the stopped worker's lease, free for the next task at once").singleElement()
              .satisfies(lease -> assertThat(lease.owner()).isNull());
          System.out.printf("image test: max heap %d MiB of %d MiB, docker stop took %d ms (stop timeout %d s), %d order(s) "
              + "written for one email%n", heap / MIB, memoryLimit / MIB, stopped.toMillis(), stopTimeout, written.size());
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
    long memoryLimit = containerMemoryMiB() * MIB;
    int orders = 200;
    int padding = 300 * 1024;
    try (LocalShopStack stack = LocalWorkers.stack()) {
      String sendEventsTopic = stack.sns.createTopic(r -> r.name("image-it-backlog-ses-events")).topicArn();
      String sendEventsQueue = sendEventsQueue(stack, sendEventsTopic);
      try (SesWithSendEvents ses = SesWithSendEvents.start(stack.ses.endpoint(), stack.sns, sendEventsTopic)) {
        String note = "x".repeat(padding);
        for (int i = 0; i < orders; i++) {
          Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = new java.util.HashMap<>(
              ShopItems.order("u-" + (i % 20), "2026-11-27", "o-large-" + i, "PLACED", "EUR", "buyer-" + i + "@example.com",
                  List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50")))));
          item.put("giftNote", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(note));
          stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(item));
        }
        Map<String, String> env = environment(stack, ses, sendEventsQueue);
        env.put("SHOP_INITIAL_POSITION", "TRIM_HORIZON");
        Path log = WORK.resolve("backlog-worker.log");
        Files.deleteIfExists(log);
        long start = System.nanoTime();
        try (GenericContainer<?> container = workerContainer(env, memoryLimit, log)) {
          container.start();
          List<SentEmail> emails = stack.ses.awaitAtLeast(orders, Duration.ofSeconds(240));
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          InspectContainerResponse.ContainerState state =
              container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec().getState();
          assertThat(state.getOOMKilled()).as("killed by the kernel for memory (log %s)", log).isFalse();
          assertThat(state.getRunning()).as("still running (exit code %s, log %s)", state.getExitCodeLong(), log).isTrue();
          assertThat(emails).as("every large order mailed (log %s)", log).hasSizeGreaterThanOrEqualTo(orders);
          ExecResult peak = container.execInContainer("cat", "/sys/fs/cgroup/memory/memory.max_usage_in_bytes");
          System.out.printf("image backlog test: %d orders of %d KB mailed in %d s; container peak memory %s MiB of %d MiB%n",
              orders, padding / 1024, took.toSeconds(),
              peak.getExitCode() == 0 ? Long.toString(Long.parseLong(peak.getStdout().trim()) / MIB) : "unknown",
              memoryLimit / MIB);
        }
      }
    }
  }

  /** The image, as the template's worker container runs: memory limit (no swap), read-only root, /tmp scratch. */
  private static GenericContainer<?> workerContainer(Map<String, String> env, long memoryLimit, Path log) {
    return new GenericContainer<>(DockerImageName.parse(IMAGE))
        .withNetworkMode("host")
        .withEnv(env)
        .withCommand(commandOf(worker).toArray(String[]::new))
        .withTmpFs(Map.of("/tmp", "rw,exec,mode=1777"))
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
            .withReadonlyRootfs(true)
            .withMemory(memoryLimit)
            .withMemorySwap(memoryLimit))
        .withLogConsumer(frame -> append(log, frame));
  }

  private static String sendEventsQueue(LocalShopStack stack, String topic) {
    String queue = stack.sqs.createQueue(r -> r.queueName(topic.substring(topic.lastIndexOf(':') + 1))).queueUrl();
    String queueArn = stack.sqs.getQueueAttributes(r -> r.queueUrl(queue)
        .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
    stack.sns.subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(queueArn));
    return queue;
  }

  /** The template's environment on the local stack, plus what ECS and AWS would give the task. */
  private static Map<String, String> environment(LocalShopStack stack, SesWithSendEvents ses, String sendEventsQueue) {
    // what the template's references are on AWS, here: the local stack's resources
    Map<String, String> resources = Map.of(
        "TableName", LocalShopStack.TABLE,
        "WaitlistTopic", stack.waitlistTopic,
        "AnalyticsTopic", stack.analyticsTopic,
        "DeadLetterQueue", stack.deadLetterQueueUrl,
        "DeadLetterBucket", LocalShopStack.OVERFLOW_BUCKET,
        "IdempotencyTable", LocalShopStack.IDEMPOTENCY_TABLE,
        "EmailConfigurationSet", "image-it-email",
        "SesEventsQueue", sendEventsQueue);
    Map<String, String> env = templateEnvironment(resources);
    // what ECS or the stack gives the task otherwise: credentials (task role), the secret, the endpoints
    // (the AWS APIs), and the ops port on loopback (host networking: no port of the host is taken blindly)
    Map<String, String> local = new LinkedHashMap<>();
    local.put("SHOP_AWS_DUMMY_CREDENTIALS", "true");
    local.put("AWS_REGION", "us-east-1");
    local.put("SHOP_ANALYTICS_PII_KEY", "local-only-analytics-key");
    local.put("SHOP_DYNAMODB_ENDPOINT", stack.moto.endpoint().toString());
    local.put("SHOP_S3_ENDPOINT", stack.moto.endpoint().toString());
    local.put("SHOP_SES_ENDPOINT", ses.endpoint().toString());
    local.put("SHOP_SNS_ENDPOINT", stack.fauxqs.endpoint().toString());
    local.put("SHOP_SQS_ENDPOINT", stack.fauxqs.endpoint().toString());
    local.put("SHOP_HTTP_HOST", "127.0.0.1");
    local.put("SHOP_HTTP_PORT", Integer.toString(FreePorts.pick()));
    // no EC2 metadata to probe here (KCL's worker metrics would try it)
    local.put("SHOP_KCL_WORKER_METRICS", "false");
    assertThat(local.keySet()).as("local additions override nothing the template sets").doesNotContainAnyElementsOf(env.keySet());
    env.putAll(local);
    return env;
  }

  /** The worker container's memory: its own hard limit, else the task's (the sidecar declares none either). */
  private static long containerMemoryMiB() {
    if (worker.has("Memory")) {
      JsonNode memory = worker.get("Memory");
      return memory.has("Ref") ? Long.parseLong(parameterDefault(memory.get("Ref").asText())) : memory.asLong();
    }
    JsonNode taskMemory = template.at("/Resources/TaskDefinition/Properties/Memory");
    return Long.parseLong(parameterDefault(taskMemory.get("Ref").asText()));
  }

  private static String parameterDefault(String name) {
    JsonNode parameter = template.at("/Parameters/" + name);
    assertThat(parameter.has("Default")).as("parameter %s has a default", name).isTrue();
    return parameter.get("Default").asText();
  }

  /** The template's Environment, references resolved: parameters to their defaults, resources to {@code resources}. */
  private static Map<String, String> templateEnvironment(Map<String, String> resources) {
    Map<String, String> env = new LinkedHashMap<>();
    Set<String> unresolved = new TreeSet<>();
    for (JsonNode entry : worker.get("Environment")) {
      JsonNode value = entry.get("Value");
      String name = entry.get("Name").asText();
      if (value.isValueNode()) {
        env.put(name, value.asText());
      } else if (value.has("Ref") && resources.containsKey(value.get("Ref").asText())) {
        env.put(name, resources.get(value.get("Ref").asText()));
      } else if (value.has("Ref") && template.at("/Parameters/" + value.get("Ref").asText()).has("Default")) {
        env.put(name, parameterDefault(value.get("Ref").asText()));
      } else {
        unresolved.add(name + "=" + value);
      }
    }
    assertThat(unresolved).as("template environment the test cannot point at the local stack").isEmpty();
    return env;
  }

  private static List<String> commandOf(JsonNode definition) {
    List<String> command = new ArrayList<>();
    definition.get("Command").forEach(arg -> command.add(arg.asText()));
    return command;
  }

  /** The template's health check command, without its CMD marker. */
  private static List<String> healthCheck() {
    List<String> command = new ArrayList<>();
    worker.at("/HealthCheck/Command").forEach(arg -> command.add(arg.asText()));
    assertThat(command).first().isEqualTo("CMD");
    return command.subList(1, command.size());
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

  private static synchronized void append(Path log, OutputFrame frame) {
    try {
      Files.writeString(log, frame.getUtf8String(), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
