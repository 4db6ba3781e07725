package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shopstream.contracts.EventType;
import dev.shopstream.local.ShopItems;
import dev.shopstream.local.ShopTableSetup;
import dev.shopstream.local.TopicTap;
import dev.shopstream.pipeline.app.ShopStreamWorker;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.pipeline.testing.RecordingHandler;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The end-to-end flow against LocalStack (DynamoDB with streams, SES, SNS, SQS) through the
 * Testcontainers LocalStack module. Needs a Docker engine: where there is none (as on this project's
 * build machines) it is skipped with a message saying so.
 */
@org.junit.jupiter.api.Tag("e2e")
class LocalStackContainerTest {

  @Test
  void anOrderFlowsFromTheTableToEmailAndAnalyticsOnLocalStack() {
    Assumptions.assumeTrue(dockerAvailable(),
        "no Docker engine on this machine: the LocalStack end-to-end test is skipped (the same flow runs against "
            + "moto and the npm emulators in HandlersEndToEndTest)");
    try (LocalStackContainer localstack = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
        .withServices(Service.DYNAMODB, Service.SES, Service.SNS, Service.SQS)) {
      localstack.start();
      URI endpoint = localstack.getEndpoint();
      Region region = Region.of(localstack.getRegion());
      var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(localstack.getAccessKey(),
          localstack.getSecretKey()));
      try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials).build();
          SnsClient sns = SnsClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials).build();
          SqsClient sqs = SqsClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials).build();
          SesV2Client ses = SesV2Client.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials).build()) {
        ShopTableSetup.createIfMissing(dynamo, "shop");
        ShopTableSetup.createIdempotencyTableIfMissing(dynamo, "shop-stream-idempotency");
        ses.createEmailIdentity(r -> r.emailIdentity("orders@shop.example"));
        String waitlist = sns.createTopic(r -> r.name("shop-waitlist")).topicArn();
        String analytics = sns.createTopic(r -> r.name("shop-analytics.fifo").attributes(Map.of("FifoTopic", "true"))).topicArn();
        String dlq = sqs.createQueue(r -> r.queueName("shop-stream-dlq")).queueUrl();
        TopicTap analyticsTap = TopicTap.subscribe(sns, sqs, analytics, "analytics-team");

        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", region.id());
        for (String key : List.of("SHOP_DYNAMODB_ENDPOINT", "SHOP_SES_ENDPOINT", "SHOP_SNS_ENDPOINT", "SHOP_SQS_ENDPOINT")) {
          env.put(key, endpoint.toString());
        }
        env.putAll(Map.of("SHOP_TABLE", "shop", "SHOP_APPLICATION_NAME", "localstack-e2e", "SHOP_INITIAL_POSITION",
            "TRIM_HORIZON", "SHOP_KCL_WORKER_METRICS", "false", "SHOP_KCL_LEASE_ASSIGNMENT_MILLIS", "1000",
            "SHOP_HANDLERS", "email,analytics,recorder", "SHOP_EMAIL_FROM", "orders@shop.example",
            "SHOP_WAITLIST_TOPIC_ARN", waitlist, "SHOP_ANALYTICS_TOPIC_ARN", analytics));
        env.put("SHOP_ANALYTICS_PII_KEY", "localstack-analytics-key");
        env.put("SHOP_DLQ_URL", dlq);
        RecordingHandler recorder = new RecordingHandler("recorder");
        try (ShopStreamWorker worker = LocalWorkers.start(env, recorder)) {
          dynamo.putItem(r -> r.tableName("shop").item(ShopItems.order("ada", "2026-11-27", "o-1", "PLACED", "EUR",
              "ada@example.com", List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))))));
          await().atMost(Duration.ofSeconds(180)).until(() -> recorder.handled().stream()
              .anyMatch(e -> e.type() == EventType.ORDER_PLACED));
          assertThat(analyticsTap.awaitAtLeast(1, Duration.ofSeconds(20))).hasSize(1);
          await().atMost(Duration.ofSeconds(20)).until(() -> sentMail(endpoint).contains("ada@example.com"));
        }
      }
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String sentMail(URI endpoint) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint + "/_aws/ses")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
