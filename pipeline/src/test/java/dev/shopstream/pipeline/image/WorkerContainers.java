package dev.shopstream.pipeline.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.shopstream.local.aws.FreePorts;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.testkit.SesWithSendEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The worker's image in the Docker engine and its containers as ECS runs the template's worker container:
 * memory limit (no swap), read-only root filesystem, /tmp as the template's scratch volume, the template's
 * command, on the host's network (the local services listen on 127.0.0.1 only: no traffic leaves the machine).
 * Nothing is pulled and Testcontainers' reaper is off (failsafe's environment): each test removes its containers.
 */
final class WorkerContainers {
  static final String IMAGE = "shop-stream:test";
  static final Path WORK = Path.of("target", "image-it");
  private static final Path TARBALL = Path.of("target", "shop-stream-image.tar");
  private static final long MIB = 1024L * 1024L;
  private static boolean loaded;

  private WorkerContainers() {}

  /** Loads target/shop-stream-image.tar into the engine and tags it {@link #IMAGE}, once per test JVM. */
  static synchronized void loadImage() throws IOException {
    if (loaded) {
      return;
    }
    assertThat(TARBALL).as("the image tarball: build with -Pimage (bin/test does)").exists();
    Files.createDirectories(WORK);
    DockerClient docker = DockerClientFactory.instance().client();
    try (InputStream tar = Files.newInputStream(TARBALL)) {
      docker.loadImageCmd(tar).exec();
    }
    String name = System.getProperty("shop.image");
    assertThat(name).as("system property shop.image (failsafe sets it)").isNotNull();
    docker.tagImageCmd(name, "shop-stream", "test").withForce().exec();
    loaded = true;
  }

  /** The memory limit of each container: the template's worker container's, in bytes. */
  static long memoryLimit(TaskDefinition task) {
    return task.memoryMiB() * MIB;
  }

  /** A container of the image as the template's worker container runs (not started), its output into {@code log}. */
  static GenericContainer<?> create(TaskDefinition task, Map<String, String> env, Path log) throws IOException {
    Files.deleteIfExists(log);
    long memoryLimit = memoryLimit(task);
    return new GenericContainer<>(DockerImageName.parse(IMAGE))
        .withNetworkMode("host")
        .withEnv(env)
        .withCommand(task.command().toArray(String[]::new))
        .withTmpFs(Map.of("/tmp", "rw,exec,mode=1777"))
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
            .withReadonlyRootfs(task.readonlyRootFilesystem())
            .withMemory(memoryLimit)
            .withMemorySwap(memoryLimit))
        .withLogConsumer(frame -> append(log, frame));
  }

  /**
   * The template's environment on the local stack (each reference pointed at the stack's resource), plus what
   * ECS or AWS would give the task: credentials (task role), the secret, the AWS endpoints ({@code dynamoDb}
   * for DynamoDB and its streams), the ops port on loopback (host networking: no host port is taken blindly),
   * and KCL's worker metrics off (there is no EC2 metadata to probe). None of these overrides the template.
   *
   * @param sendEventsQueue the SES send events queue (see {@link #sendEventsQueue})
   */
  static Map<String, String> environment(TaskDefinition task, LocalShopStack stack, URI dynamoDb,
      SesWithSendEvents ses, String sendEventsQueue) {
    // the template's REPAIR policy checks at start that its bucket exists and point-in-time recovery is on
    String exports = "image-it-gap-exports";
    try (S3Client s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), stack.moto.endpoint())) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(exports))) {
        s3.createBucket(r -> r.bucket(exports));
      }
    }
    stack.dynamo.updateContinuousBackups(r -> r.tableName(LocalShopStack.TABLE)
        .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
    Map<String, String> resources = Map.of(
        "ExportBucket", exports,
        "TableName", LocalShopStack.TABLE,
        "WaitlistTopic", stack.waitlistTopic,
        "AnalyticsTopic", stack.analyticsTopic,
        "DeadLetterQueue", stack.deadLetterQueueUrl,
        "DeadLetterBucket", LocalShopStack.OVERFLOW_BUCKET,
        "IdempotencyTable", LocalShopStack.IDEMPOTENCY_TABLE,
        "EmailConfigurationSet", "image-it-email",
        "SesEventsQueue", sendEventsQueue);
    Map<String, String> env = task.environment(resources);
    Map<String, String> local = new LinkedHashMap<>();
    local.put("SHOP_AWS_DUMMY_CREDENTIALS", "true");
    local.put("AWS_REGION", "us-east-1");
    local.put("SHOP_ANALYTICS_PII_KEY", "local-only-analytics-key");
    local.put("SHOP_DYNAMODB_ENDPOINT", dynamoDb.toString());
    local.put("SHOP_S3_ENDPOINT", stack.moto.endpoint().toString());
    local.put("SHOP_SES_ENDPOINT", ses.endpoint().toString());
    local.put("SHOP_SNS_ENDPOINT", stack.fauxqs.endpoint().toString());
    local.put("SHOP_SQS_ENDPOINT", stack.fauxqs.endpoint().toString());
    local.put("SHOP_HTTP_HOST", "127.0.0.1");
    local.put("SHOP_HTTP_PORT", Integer.toString(FreePorts.pick()));
    local.put("SHOP_KCL_WORKER_METRICS", "false");
    assertThat(local.keySet()).as("local additions override nothing the template sets")
        .doesNotContainAnyElementsOf(env.keySet());
    env.putAll(local);
    return env;
  }

  /** A topic for SES's send events (what the configuration set's event destination publishes to) and its queue. */
  static String sendEventsQueue(LocalShopStack stack, String topic) {
    String queue = stack.sqs.createQueue(r -> r.queueName(topic.substring(topic.lastIndexOf(':') + 1))).queueUrl();
    String queueArn = stack.sqs.getQueueAttributes(r -> r.queueUrl(queue)
        .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
    stack.sns.subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(queueArn));
    return queue;
  }

  private static synchronized void append(Path log, OutputFrame frame) {
    try {
      Files.writeString(log, frame.getUtf8String(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
