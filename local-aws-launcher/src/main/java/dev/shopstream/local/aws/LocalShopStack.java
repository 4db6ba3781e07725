package dev.shopstream.local.aws;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A whole local AWS for the worker: moto (DynamoDB + Streams), the SES emulator and fauxqs (SNS + SQS), all on
 * 127.0.0.1, with the waitlist topic, the analytics FIFO topic, the dead-letter queue, and a queue
 * subscribed to each topic so results can be read back. Tables are the caller's to create.
 */
public final class LocalShopStack implements AutoCloseable {
  public static final String TABLE = "shop";
  public static final String IDEMPOTENCY_TABLE = "shop-stream-idempotency";
  /** Where dead letters larger than the queue takes are stored (moto's S3). */
  public static final String OVERFLOW_BUCKET = "shop-stream-dlq-overflow";

  public final MotoLocal moto;
  public final SesLocal ses;
  public final FauxqsLocal fauxqs;
  public final DynamoDbClient dynamo;
  public final SnsClient sns;
  public final SqsClient sqs;
  public final String waitlistTopic;
  public final String analyticsTopic;
  public final String deadLetterQueueUrl;
  public final TopicTap waitlistTap;
  /**
   * The analytics topic's domain events (message attribute kind = domain), as a consumer of business facts subscribes.
   */
  public final TopicTap analyticsTap;
  /** The analytics topic's entity states (kind = state): what a warehouse materialises. */
  public final TopicTap analyticsStateTap;

  private LocalShopStack(Path logs) {
    moto = MotoLocal.start(logs);
    ses = SesLocal.start(logs);
    fauxqs = FauxqsLocal.start(logs);
    dynamo = moto.client();
    sns = LocalAws.sns(fauxqs.endpoint());
    sqs = LocalAws.sqs(fauxqs.endpoint());
    waitlistTopic = sns.createTopic(r -> r.name("shop-waitlist.fifo").attributes(Map.of("FifoTopic", "true")))
        .topicArn();
    analyticsTopic = sns.createTopic(r -> r.name("shop-analytics.fifo").attributes(Map.of("FifoTopic", "true")))
        .topicArn();
    deadLetterQueueUrl = sqs.createQueue(r -> r.queueName("shop-stream-dlq")).queueUrl();
    try (S3Client s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), moto.endpoint())) {
      s3.createBucket(r -> r.bucket(OVERFLOW_BUCKET));
    }
    waitlistTap = TopicTap.subscribe(sns, sqs, waitlistTopic, "waitlist-subscriber");
    analyticsTap = TopicTap.subscribe(sns, sqs, analyticsTopic, "analytics-team", "{\"kind\":[\"domain\"]}");
    analyticsStateTap = TopicTap.subscribe(sns, sqs, analyticsTopic, "analytics-state", "{\"kind\":[\"state\"]}");
  }

  public static LocalShopStack start(Path logs) {
    return new LocalShopStack(logs);
  }

  /**
   * The worker's environment for this stack: every handler wired to the emulators, plus
   * {@link #localWorkerSettings()}.
   */
  public Map<String, String> workerEnvironment(String applicationName) {
    Map<String, String> env = localWorkerSettings();
    env.put("SHOP_TABLE", TABLE);
    env.put("SHOP_APPLICATION_NAME", applicationName);
    env.put("SHOP_DYNAMODB_ENDPOINT", moto.endpoint().toString());
    env.put("SHOP_SES_ENDPOINT", ses.endpoint().toString());
    env.put("SHOP_SNS_ENDPOINT", fauxqs.endpoint().toString());
    env.put("SHOP_SQS_ENDPOINT", fauxqs.endpoint().toString());
    env.put("SHOP_DLQ_URL", deadLetterQueueUrl);
    env.put("SHOP_DLQ_OVERFLOW_BUCKET", OVERFLOW_BUCKET);
    env.put("SHOP_S3_ENDPOINT", moto.endpoint().toString());
    env.put("SHOP_IDEMPOTENCY_TABLE", IDEMPOTENCY_TABLE);
    env.put("SHOP_KCL_FAILOVER_MILLIS", "5000");
    env.put("SHOP_WAITLIST_TOPIC_ARN", waitlistTopic);
    env.put("SHOP_ANALYTICS_TOPIC_ARN", analyticsTopic);
    env.put("SHOP_ANALYTICS_PII_KEY", "local-only-analytics-key");
    return env;
  }

  /**
   * What a worker on local services sets besides where its resources are: dummy credentials, every
   * handler, TRIM_HORIZON, KCL's intervals shortened for a fast local start, loopback HTTP on a free
   * port, text logs.
   */
  public static Map<String, String> localWorkerSettings() {
    Map<String, String> env = new HashMap<>();
    env.put("SHOP_AWS_DUMMY_CREDENTIALS", "true");
    env.put("SHOP_HANDLERS", "email,waitlist,analytics");
    env.put("SHOP_EMAIL_FROM", "orders@shop.example");
    env.put("SHOP_INITIAL_POSITION", "TRIM_HORIZON");
    env.put("SHOP_POLL_IDLE_MILLIS", "50");
    env.put("SHOP_KCL_LEASE_ASSIGNMENT_MILLIS", "1000");
    env.put("SHOP_KCL_WORKER_METRICS", "false");
    env.put("SHOP_HTTP_HOST", "127.0.0.1");
    env.put("SHOP_HTTP_PORT", "0");
    env.put("SHOP_LOG_FORMAT", "text");
    return env;
  }

  @Override
  public void close() {
    sns.close();
    sqs.close();
    dynamo.close();
    fauxqs.close();
    ses.close();
    moto.close();
  }
}
