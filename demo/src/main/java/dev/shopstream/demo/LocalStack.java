package dev.shopstream.demo;

import dev.shopstream.local.DynamoDbLocal;
import dev.shopstream.local.FauxqsLocal;
import dev.shopstream.local.LocalAws;
import dev.shopstream.local.SesLocal;
import dev.shopstream.local.TopicTap;
import dev.shopstream.pipeline.app.ShopTableSetup;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The demo's local AWS: DynamoDB Local, the SES emulator and fauxqs (SNS + SQS), all on 127.0.0.1,
 * with the shop table, the two topics and a queue subscribed to each so results can be read back.
 */
final class LocalStack implements AutoCloseable {
  static final String TABLE = "shop";

  final DynamoDbLocal dynamoLocal;
  final SesLocal ses;
  final FauxqsLocal fauxqs;
  final DynamoDbClient dynamo;
  final SnsClient sns;
  final SqsClient sqs;
  final String waitlistTopic;
  final String analyticsTopic;
  final TopicTap waitlistTap;
  final TopicTap analyticsTap;

  LocalStack(Path logs) {
    dynamoLocal = DynamoDbLocal.start(logs);
    ses = SesLocal.start(logs);
    fauxqs = FauxqsLocal.start(logs);
    dynamo = dynamoLocal.client();
    sns = LocalAws.sns(fauxqs.endpoint());
    sqs = LocalAws.sqs(fauxqs.endpoint());
    ShopTableSetup.createIfMissing(dynamo, TABLE);
    waitlistTopic = sns.createTopic(r -> r.name("shop-waitlist")).topicArn();
    analyticsTopic = sns.createTopic(r -> r.name("shop-analytics.fifo").attributes(Map.of("FifoTopic", "true"))).topicArn();
    waitlistTap = TopicTap.subscribe(sns, sqs, waitlistTopic, "demo-notifier");
    analyticsTap = TopicTap.subscribe(sns, sqs, analyticsTopic, "demo-analytics-team");
  }

  /** The worker's environment for this stack. */
  Map<String, String> workerEnvironment() {
    return Map.ofEntries(
        Map.entry("SHOP_TABLE", TABLE),
        Map.entry("SHOP_APPLICATION_NAME", "shop-demo"),
        Map.entry("SHOP_DYNAMODB_ENDPOINT", dynamoLocal.endpoint().toString()),
        Map.entry("SHOP_SES_ENDPOINT", ses.endpoint().toString()),
        Map.entry("SHOP_SNS_ENDPOINT", fauxqs.endpoint().toString()),
        Map.entry("SHOP_INITIAL_POSITION", "TRIM_HORIZON"),
        Map.entry("SHOP_POLL_IDLE_MILLIS", "100"),
        Map.entry("SHOP_KCL_LEASE_ASSIGNMENT_MILLIS", "1000"),
        Map.entry("SHOP_KCL_WORKER_METRICS", "false"),
        Map.entry("SHOP_WORKER_ID", "demo-worker"),
        Map.entry("SHOP_HANDLERS", "logging,email,waitlist,analytics"),
        Map.entry("SHOP_EMAIL_FROM", "orders@shop.example"),
        Map.entry("SHOP_EMAIL_LOCALE", "en-IE"),
        Map.entry("SHOP_WAITLIST_TOPIC_ARN", waitlistTopic),
        Map.entry("SHOP_ANALYTICS_TOPIC_ARN", analyticsTopic),
        Map.entry("SHOP_ANALYTICS_PII_KEY", "demo-only-analytics-key"));
  }

  @Override
  public void close() {
    sns.close();
    sqs.close();
    dynamo.close();
    fauxqs.close();
    ses.close();
    dynamoLocal.close();
  }
}
