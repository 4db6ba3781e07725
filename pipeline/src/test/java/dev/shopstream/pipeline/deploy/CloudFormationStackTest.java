package dev.shopstream.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.local.aws.FreePorts;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.MotoLocal;
import dev.shopstream.local.aws.SentEmail;
import dev.shopstream.local.aws.SesLocal;
import dev.shopstream.testkit.Await;
import dev.shopstream.testkit.MetricsSnapshot;
import dev.shopstream.testkit.ShopItems;
import dev.shopstream.testkit.WorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * docker/shop-stream.yaml deployed to moto's CloudFormation, then the worker (its own JVM, as in the task)
 * run against exactly the resources the stack created: an order written to the stack's table reaches the
 * customer as an email (SES is the emulator: the template declares no SES resources), a malformed record
 * lands in the stack's dead-letter queue. The metrics sidecar's log group exists with its retention and is the
 * one the deployed agent configuration names. While it runs, every metric the Grafana dashboard
 * (docker/grafana-dashboard.json) queries must be in the worker's /metrics.
 */
@Tag("process")
class CloudFormationStackTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path TEMPLATE = ROOT.resolve("docker").resolve("shop-stream.yaml");
  private static final Path DASHBOARD = ROOT.resolve("docker").resolve("grafana-dashboard.json");
  private static final String APPLICATION = "cfn-stack-test";
  /** A metric name of the worker ({@code shop_}), of KCL ({@code kcl_}), of the JVM and process binders. */
  private static final String METRIC = "(?:shop|kcl|jvm|process|system)_[a-z0-9_]+";
  /** A well-formed digest for moto (no image is pulled); not the agent's real one (docs/deploy.md). */
  private static final String AGENT_IMAGE = "public.ecr.aws/cloudwatch-agent/cloudwatch-agent@sha256:" + "0".repeat(64);
  /** What moto's CloudFormation creates (checked here); alarms are left out by moto and covered by cfn-lint only. */
  private static final Set<String> CREATED_BY_MOTO = Set.of("AWS::DynamoDB::Table", "AWS::SNS::Topic",
      "AWS::SQS::Queue", "AWS::S3::Bucket", "AWS::Logs::LogGroup", "AWS::ECS::Cluster", "AWS::IAM::Role",
      "AWS::IAM::Policy", "AWS::ECS::TaskDefinition", "AWS::ECS::Service");

  @Test
  void theWorkerRunsOnWhatTheTemplateCreatesAndAnOrderBecomesAnEmail() throws Exception {
    Path logs = Path.of("target", "cfn-stack-test");
    try (MotoLocal moto = MotoLocal.start(logs);
        SesLocal ses = SesLocal.start(logs);
        CloudFormationClient cfn = LocalAws.client(CloudFormationClient.builder(), moto.endpoint());
        DynamoDbClient dynamo = moto.client();
        SqsClient sqs = LocalAws.sqs(moto.endpoint())) {
      String template = Files.readString(TEMPLATE);
      cfn.createStack(r -> r.stackName("shop-stream").templateBody(template)
          .capabilities(Capability.CAPABILITY_IAM)
          .parameters(parameter("ApplicationName", APPLICATION), parameter("Image", "shop-stream:0.1.0-SNAPSHOT"),
              parameter("SubnetIds", "subnet-0123456789abcdef0"), parameter("SecurityGroupIds", "sg-0123456789abcdef0"),
              parameter("MetricsAgentImage", AGENT_IMAGE),
              parameter("AnalyticsPiiKeySecretArn",
                  "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-stream/pii")));
      var stack = cfn.describeStacks(r -> r.stackName("shop-stream")).stacks().get(0);
      assertThat(stack.stackStatusAsString()).isEqualTo("CREATE_COMPLETE");
      Map<String, String> outputs = stack.outputs().stream()
          .collect(Collectors.toMap(Output::outputKey, Output::outputValue));

      List<StackResourceSummary> resources = cfn.listStackResources(r -> r.stackName("shop-stream"))
          .stackResourceSummaries();
      Set<String> createdTypes = resources.stream().filter(r -> r.resourceType() != null)
          .map(StackResourceSummary::resourceType).collect(Collectors.toCollection(TreeSet::new));
      assertThat(createdTypes).containsAll(CREATED_BY_MOTO);

      // what the worker relies on, read back from the services (not from the template)
      var table = dynamo.describeTable(r -> r.tableName(outputs.get("TableName"))).table();
      assertThat(table.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
      String queueUrl = outputs.get("DeadLetterQueueUrl");
      Map<QueueAttributeName, String> queue = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
          .attributeNames(QueueAttributeName.ALL)).attributes();
      assertThat(queue).containsEntry(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1048576")
          .containsEntry(QueueAttributeName.SQS_MANAGED_SSE_ENABLED, "true");
      assertThat(outputs.get("AnalyticsTopicArn")).endsWith(APPLICATION + "-analytics.fifo");
      theAgentWritesALogGroupTheStackCreatedWithRetention(moto.endpoint(), outputs);

      int httpPort = FreePorts.pick();
      Map<String, String> env = LocalShopStack.localWorkerSettings();
      env.put("AWS_REGION", "us-east-1");
      env.put("SHOP_TABLE", outputs.get("TableName"));
      env.put("SHOP_APPLICATION_NAME", APPLICATION);
      env.put("SHOP_IDEMPOTENCY_TABLE", outputs.get("IdempotencyTableName"));
      env.put("SHOP_WAITLIST_TOPIC_ARN", outputs.get("WaitlistTopicArn"));
      env.put("SHOP_ANALYTICS_TOPIC_ARN", outputs.get("AnalyticsTopicArn"));
      env.put("SHOP_DLQ_URL", queueUrl);
      env.put("SHOP_DYNAMODB_ENDPOINT", moto.endpoint().toString());
      env.put("SHOP_SNS_ENDPOINT", moto.endpoint().toString());
      env.put("SHOP_SQS_ENDPOINT", moto.endpoint().toString());
      env.put("SHOP_SES_ENDPOINT", ses.endpoint().toString());
      env.put("SHOP_ANALYTICS_PII_KEY", "cfn-stack-test-key");
      env.put("SHOP_HTTP_PORT", Integer.toString(httpPort));

      dynamo.putItem(r -> r.tableName(outputs.get("TableName")).item(ShopItems.order("ada", "2026-11-27",
          "o-cfn", "PLACED",
          "EUR", "ada@example.com", List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))))));
      Map<String, AttributeValue> malformed = new HashMap<>(ShopItems.product("vase", "Vase", new BigDecimal("20"), 3));
      malformed.put("stock", AttributeValue.fromS("three"));
      dynamo.putItem(r -> r.tableName(outputs.get("TableName")).item(malformed));

      try (WorkerProcess worker = WorkerProcess.start(env, logs.resolve("worker.log"))) {
        List<SentEmail> emails = ses.awaitAtLeast(1, Duration.ofSeconds(150));
        assertThat(emails).as(worker.log()).singleElement().satisfies(email -> {
          assertThat(email.to()).containsExactly("ada@example.com");
          assertThat(email.subject()).contains("o-cfn");
        });
        awaitDeadLetter(sqs, queueUrl, worker);

        // counters appear with their first increment (the first checkpoint follows within a second or so)
        Set<String> wanted = dashboardMetrics();
        Set<String> scraped = new TreeSet<>();
        Await.every(Duration.ofMillis(500)).within(Duration.ofSeconds(30), () -> {
          scraped.clear();
          scraped.addAll(exposedMetrics(httpPort));
          return scraped.containsAll(wanted);
        });
        assertThat(wanted).as("metrics the dashboard queries, all exposed by the worker").isNotEmpty()
            .allSatisfy(name -> assertThat(scraped).as("in /metrics").contains(name));
        assertThat(worker.terminate(Duration.ofSeconds(30))).as("stops on SIGTERM").isNotNull();
      }
    }
  }

  /**
   * Read back from moto's ECS and CloudWatch Logs (plain JSON calls: the suite has no SDK for either): the deployed
   * task definition's agent runs the image given by digest and writes the log group named in its configuration, and
   * that log group exists in the stack with a retention.
   */
  private static void theAgentWritesALogGroupTheStackCreatedWithRetention(URI endpoint, Map<String, String> outputs)
      throws Exception {
    JsonNode agent = null;
    for (JsonNode container : awsJson(endpoint, "ecs", "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition",
        "{\"taskDefinition\":\"" + APPLICATION + "\"}").at("/taskDefinition/containerDefinitions")) {
      if (container.path("name").asText().equals("cloudwatch-agent")) {
        agent = container;
      }
    }
    assertThat(agent).as("the deployed task definition has the agent sidecar").isNotNull();
    assertThat(agent.path("image").asText()).isEqualTo(AGENT_IMAGE);
    String agentLogGroup = null;
    for (JsonNode variable : agent.path("environment")) {
      if (variable.path("name").asText().equals("CW_CONFIG_CONTENT")) {
        agentLogGroup = new ObjectMapper().readTree(variable.path("value").asText())
            .at("/logs/metrics_collected/prometheus/log_group_name").asText();
      }
    }
    assertThat(agentLogGroup).isEqualTo("/ecs/" + APPLICATION + "/metrics")
        .isEqualTo(outputs.get("MetricsLogGroupName"));
    JsonNode groups = awsJson(endpoint, "logs", "Logs_20140328.DescribeLogGroups",
        "{\"logGroupNamePrefix\":\"" + agentLogGroup + "\"}").path("logGroups");
    assertThat(groups).as("the log group the agent writes, created by the stack").hasSize(1);
    assertThat(groups.get(0).path("logGroupName").asText()).isEqualTo(agentLogGroup);
    assertThat(groups.get(0).path("retentionInDays").asInt()).as("retention set, not kept for ever").isEqualTo(7);
  }

  private static JsonNode awsJson(URI endpoint, String service, String target, String body) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", target)
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/" + service
            + "/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(target + ": " + response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }

  /** The names in the worker's /metrics; it must answer 200. */
  private static Set<String> exposedMetrics(int port) {
    try {
      return MetricsSnapshot.scrape(port).names();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scraping /metrics", e);
    }
  }

  /** Every metric name in the dashboard's queries (panels and variables): the worker's, KCL's, the JVM's. */
  static Set<String> dashboardMetrics() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> names = new TreeSet<>();
    Pattern metric = Pattern.compile("\\b" + METRIC);
    for (JsonNode node : dashboard.findValues("expr")) {
      metric.matcher(node.asText()).results().forEach(m -> names.add(m.group()));
    }
    for (JsonNode node : dashboard.path("templating").path("list")) {
      metric.matcher(node.path("query").asText()).results().forEach(m -> names.add(m.group()));
    }
    return names;
  }

  private static void awaitDeadLetter(SqsClient sqs, String queueUrl,
      WorkerProcess worker) throws InterruptedException {
    Await.every(Duration.ofMillis(500)).until("the malformed product reached the stack's dead-letter queue",
        Duration.ofSeconds(30), () -> Integer.parseInt(sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)) >= 1, worker::log);
  }

  private static Parameter parameter(String key, String value) {
    return Parameter.builder().parameterKey(key).parameterValue(value).build();
  }
}
