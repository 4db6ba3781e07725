package dev.shopstream.pipeline.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs after the whole test suite of the handlers and pipeline modules (failsafe, integration-test phase).
 * The IAM policies live in one place, docker/shop-stream.yaml (WorkerPolicy and MetricsAgentPolicy on the task
 * role, OperatorPolicy for dlq/replay/status): every AWS call the worker's code and KCL made during the tests
 * (action AND resource, recorded by {@code AwsOperationRecorder}) and every call of the CloudWatch agent sidecar
 * (listed below from the agent's sources: it is not Java and does not run here) must be allowed by one of them,
 * and every action a statement allows must have been called on a resource of that statement. The suite's own
 * resource names (application names vary per test) are mapped onto the template's logical resources. The
 * agent's own checks do not need the suite's recordings:
 * {@code mvn verify -pl pipeline -am -Dtest=TaskDefinitionTest -Dit.test='IamPolicyIT#theMetricsAgent*'}.
 */
class IamPolicyIT {
  private static final Path TEMPLATE = Path.of("..", "docker", "shop-stream.yaml");
  private static final Map<String, String> SERVICE_PREFIX = Map.of(
      "DynamoDb", "dynamodb", "DynamoDbStreams", "dynamodb", "SesV2", "ses", "Sns", "sns", "Sqs", "sqs",
      "CloudWatch", "cloudwatch", "S3", "s3");
  /** SDK operations authorised as another IAM action. */
  private static final Map<String, String> AUTHORISED_AS = Map.of("sns:PublishBatch", "sns:Publish",
      "s3:HeadBucket", "s3:ListBucket", "s3:ListObjectsV2", "s3:ListBucket", "sqs:DeleteMessageBatch",
      "sqs:DeleteMessage");
  /** Code paths the local stand-ins never take, each with the code that takes them on AWS ("action resource"). */
  private static final Map<String, String> NOT_TAKEN_LOCALLY = Map.of(
      "dynamodb:DeleteItem " + String.format("arn:aws:dynamodb:REGION:ACCOUNT:table/%s-replay-*", "APP"),
      "KCL's lease clean-up in a replay: whether a short replay lives long enough to run it depends on timing",
      "dynamodb:Query " + String.format("arn:aws:dynamodb:REGION:ACCOUNT:table/%s-replay-*", "APP"),
      "KCL's lease queries in a replay: whether a short replay makes them depends on timing",
      "dynamodb:GetItem " + String.format("arn:aws:dynamodb:REGION:ACCOUNT:table/%s-idempotency", "APP"),
      "DynamoIdempotencyStore.read: when a refused claim comes back without the item (moto always returns it)",
      "dynamodb:UpdateTable " + String.format("arn:aws:dynamodb:REGION:ACCOUNT:table/%s-replay-*", "APP"),
      "a replay under SHOP_KCL_ASSIGNMENT=LEADER: KCL 3 adds its lease index to the replay's lease table (the suite's "
          + "replays run the default, WORKERS, which creates no index)",
      "s3:AbortMultipartUpload arn:aws:s3:::EXPORTS/*",
      "ExportTableToPointInTime: DynamoDB writes the export's files with the caller's rights (moto writes them itself)",
      "s3:PutObjectAcl arn:aws:s3:::EXPORTS/*",
      "ExportTableToPointInTime: DynamoDB writes the export's files with the caller's rights (moto writes them itself)",
      "s3:AbortMultipartUpload arn:aws:s3:::EXPORTS/shop-stream-repairs/*",
      "the gap repair's ExportTableToPointInTime: DynamoDB writes the export's files with the caller's rights",
      "s3:PutObjectAcl arn:aws:s3:::EXPORTS/shop-stream-repairs/*",
      "the gap repair's ExportTableToPointInTime: DynamoDB writes the export's files with the caller's rights");
  /**
   * Calls the policies are right to refuse: PreflightTest points the start-up checks at resources that do
   * not exist (named no-such-...) to see each reported.
   */
  private static final String DELIBERATELY_MISSING = "no-such-";
  private static final String APP = "APP";
  private static final String ARN = "arn:aws:%s:REGION:ACCOUNT:%s";

  private static List<Statement> worker;
  private static List<Statement> gapRepair;
  private static JsonNode gapRepairPolicy;
  private static List<Statement> operator;
  private static List<Statement> agent;
  private static String agentLogGroup;

  record Statement(String policy, String sid, List<String> actions, List<String> resources, JsonNode condition) {
    boolean allows(String action, String resource) {
      return actions.contains(action) && resources.stream().anyMatch(pattern -> iamMatch(pattern, resource));
    }
  }

  record Call(String action, String resource) {}

  @BeforeAll
  static void readTheTemplate() throws IOException {
    JsonNode resources = new YAMLMapper().readTree(TEMPLATE.toFile()).get("Resources");
    worker = statements("WorkerPolicy", resources);
    gapRepair = statements("GapRepairPolicy", resources);
    gapRepairPolicy = resources.get("GapRepairPolicy");
    operator = statements("OperatorPolicy", resources);
    agent = statements("MetricsAgentPolicy", resources);
    assertThat(resources.at("/MetricsAgentPolicy/Properties/Roles/0/Ref").asText()).isEqualTo("TaskRole");
    for (JsonNode container : resources.at("/TaskDefinition/Properties/ContainerDefinitions")) {
      if (container.get("Name").asText().equals("cloudwatch-agent")) {
        for (JsonNode variable : container.get("Environment")) {
          if (variable.get("Name").asText().equals("CW_CONFIG_CONTENT")) {
            agentLogGroup = new ObjectMapper().readTree(resolve(variable.get("Value")))
                .at("/logs/metrics_collected/prometheus/log_group_name").asText();
          }
        }
      }
    }
    assertThat(agentLogGroup).as("the log group in the agent's CW_CONFIG_CONTENT").isNotBlank();
  }

  /**
   * What the CloudWatch agent (its CloudWatch Logs output, aws/amazon-cloudwatch-agent
   * plugins/outputs/cloudwatchlogs: pusher.go, and internal/pusher/sender.go and target.go in newer releases)
   * calls for the EMF events of its prometheus input: PutLogEvents on its stream; when that answers
   * ResourceNotFound, CreateLogStream (and CreateLogGroup only if the group is missing, which the stack
   * prevents); PutRetentionPolicy and DescribeLogGroups only when its configuration sets retention_in_days
   * (TaskDefinitionTest checks that it does not). No DescribeLogStreams in either. Resources as IAM names them.
   */
  static Set<Call> agentCalls() {
    String group = String.format(ARN, "logs", "log-group:" + agentLogGroup);
    return Set.of(new Call("logs:PutLogEvents", group + ":log-stream:STREAM"), new Call("logs:CreateLogStream", group));
  }

  @Test
  void thePoliciesAllowExactlyTheCallsTheWorkerAndItsCommandsMake() throws IOException {
    Set<Call> called = recordedCalls();
    assertThat(called).as("calls recorded by the test suite (run the whole suite: bin/test)").hasSizeGreaterThan(10);
    called.addAll(agentCalls());
    List<Statement> all = new ArrayList<>(worker);
    all.addAll(gapRepair);
    all.addAll(operator);
    all.addAll(agent);

    List<Call> denied = called.stream()
        .filter(call -> !call.resource().contains(DELIBERATELY_MISSING))
        .filter(call -> all.stream().noneMatch(s -> s.allows(call.action(), call.resource()))).toList();
    assertThat(denied).as("called but allowed by no statement of WorkerPolicy, OperatorPolicy or MetricsAgentPolicy")
        .isEmpty();

    List<String> unused = new ArrayList<>();
    for (Statement statement : all) {
      for (String action : statement.actions()) {
        boolean used = called.stream().anyMatch(call -> call.action().equals(action)
            && statement.resources().stream().anyMatch(pattern -> iamMatch(pattern, call.resource())));
        boolean exempt = statement.resources().stream().anyMatch(r -> NOT_TAKEN_LOCALLY.containsKey(action + " " + r));
        if (!used && !exempt) {
          unused.add(statement.policy() + "/" + statement.sid() + ": " + action + " on " + statement.resources());
        }
      }
    }
    assertThat(unused).as("allowed but never called on that statement's resources").isEmpty();
  }

  @Test
  void theMetricsAgentMayWriteItsLogGroupAndNothingElse() {
    for (Call call : agentCalls()) {
      assertThat(agent).as("MetricsAgentPolicy allows the agent's %s", call)
          .anyMatch(s -> s.allows(call.action(), call.resource()));
    }
    String metricsGroup = String.format(ARN, "logs", "log-group:/ecs/" + APP + "/metrics");
    assertThat(agentLogGroup).as("the agent writes the stack's MetricsLogGroup").isEqualTo("/ecs/" + APP + "/metrics");
    for (Statement statement : agent) {
      for (String action : statement.actions()) {
        assertThat(agentCalls()).as("%s/%s: %s is called by the agent on that statement's resources",
            statement.policy(),
            statement.sid(), action).anyMatch(call -> call.action().equals(action)
                && statement.resources().stream().anyMatch(pattern -> iamMatch(pattern, call.resource())));
      }
      assertThat(statement.resources()).as(statement.sid() + ": only the metrics log group and its streams")
          .allMatch(r -> r.equals(metricsGroup) || r.equals(metricsGroup + ":*"));
    }
    String workerLogs = String.format(ARN, "logs", "log-group:/ecs/" + APP + ":log-stream:worker/worker/1");
    assertThat(agent).as("not the worker's log group, nor any other")
        .noneMatch(s -> s.allows("logs:PutLogEvents", workerLogs)
            || s.allows("logs:PutLogEvents",
                String.format(ARN, "logs", "log-group:/ecs/" + APP + "/metrics-other:log-stream:x")));
    for (String action : List.of("logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy",
        "logs:DescribeLogStreams")) {
      assertThat(agent).as(action + ": the group is the stack's, with its retention")
          .noneMatch(s -> s.actions().contains(action));
    }
    List<Statement> others = new ArrayList<>(worker);
    others.addAll(operator);
    assertThat(others).as("logs: only through MetricsAgentPolicy").allSatisfy(s -> assertThat(s.actions())
        .noneMatch(a -> a.startsWith("logs:")));
  }

  @Test
  void theTaskRoleCannotDoWhatOnlyOperatorsDo() {
    Set<String> workerActions = new TreeSet<>();
    worker.forEach(s -> workerActions.addAll(s.actions()));
    assertThat(workerActions).doesNotContain("dynamodb:DeleteTable", "s3:GetObject", "s3:DeleteObject");
    String deadLetters = String.format(ARN, "sqs", APP + "-dlq");
    assertThat(worker).as("only operators read or remove dead letters (the task reads only SES's send events)")
        .noneMatch(s -> s.allows("sqs:ReceiveMessage", deadLetters) || s.allows("sqs:DeleteMessage", deadLetters)
            || s.allows("sqs:ChangeMessageVisibility", deadLetters));
    List<Statement> taskRole = new ArrayList<>(worker);
    taskRole.addAll(agent); // ECS gives the task role to every container of the task: the worker and the agent
    for (Statement statement : taskRole) {
      // the one exception: ses:GetAccount (the send rate) is an account-level read IAM knows only on "*"
      boolean accountRead = statement.actions().equals(List.of("ses:GetAccount"));
      assertThat(statement.resources()).as(statement.sid())
          .noneMatch(r -> r.equals("*") && !accountRead || r.contains("-replay-"));
      assertThat(statement.actions()).as(statement.sid()).noneMatch(a -> a.contains("*"));
    }
    for (Statement statement : operator) {
      if (statement.actions().contains("dynamodb:CreateTable")
          || statement.actions().contains("dynamodb:DeleteTable")) {
        assertThat(statement.resources()).as("replay creates and deletes only its own lease tables")
            .allMatch(r -> r.endsWith("table/" + APP + "-replay-*"));
      }
    }
  }

  @Test
  void theTaskRoleExportsAndKeepsObjectsOnlyUnderTheRepairPolicyAndInItsFolder() {
    assertThat(gapRepairPolicy.path("Condition").asText()).as("only with SHOP_TRIMMED_DATA_POLICY=REPAIR")
        .isEqualTo("RepairsGaps");
    assertThat(gapRepairPolicy.at("/Properties/Roles/0/Ref").asText()).isEqualTo("TaskRole");
    for (Statement statement : gapRepair) {
      for (String resource : statement.resources()) {
        if (resource.startsWith("arn:aws:s3:::")) {
          assertThat(resource).as(statement.sid()).isIn("arn:aws:s3:::EXPORTS",
              "arn:aws:s3:::EXPORTS/shop-stream-repairs/*");
        } else {
          assertThat(resource).as(statement.sid()).startsWith(String.format(ARN, "dynamodb", "table/shop"));
        }
      }
    }
    assertThat(gapRepair).as("objects of the exports bucket outside its folder")
        .noneMatch(s -> s.allows("s3:GetObject", "arn:aws:s3:::EXPORTS/shop-stream-exports/x")
            || s.allows("s3:DeleteObject", "arn:aws:s3:::EXPORTS/other/x"));
  }

  @Test
  void theTaskRoleWritesTheShopTableOnlyToMarkWaitlistEntries() {
    String shopTable = String.format(ARN, "dynamodb", "table/shop");
    List<Statement> writes = worker.stream().filter(s -> s.allows("dynamodb:UpdateItem", shopTable)).toList();
    assertThat(writes).singleElement().satisfies(s -> {
      assertThat(s.condition().at("/ForAllValues:StringLike/dynamodb:LeadingKeys").toString())
          .isEqualTo("[\"PRODUCT#*\"]");
      assertThat(s.condition().at("/ForAllValues:StringEquals/dynamodb:Attributes").toString())
          .isEqualTo("[\"PK\",\"SK\",\"notifiedAt\",\"notifiedFor\"]");
    });
    assertThat(worker.stream().filter(s -> s.allows("dynamodb:Query", shopTable)).toList()).singleElement()
        .satisfies(s -> assertThat(s.condition().at("/ForAllValues:StringLike/dynamodb:LeadingKeys").toString())
            .isEqualTo("[\"PRODUCT#*\"]"));
    for (String action : List.of("dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:Scan")) {
      assertThat(worker).as(action + " on the shop table").noneMatch(s -> s.allows(action, shopTable));
    }
  }

  // --- the template's policies, resolved with the suite's names -------------------------------------

  private static List<Statement> statements(String logicalId, JsonNode resources) {
    List<Statement> statements = new ArrayList<>();
    for (JsonNode statement : resources.get(logicalId).get("Properties").get("PolicyDocument").get("Statement")) {
      assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
      List<String> actions = new ArrayList<>();
      list(statement.get("Action")).forEach(a -> actions.add(a.asText()));
      List<String> arns = new ArrayList<>();
      list(statement.get("Resource")).forEach(r -> arns.add(resolve(r)));
      statements.add(new Statement(logicalId, statement.get("Sid").asText(), actions, arns,
          statement.path("Condition")));
    }
    return statements;
  }

  /** Fn::Sub / Ref / Fn::GetAtt of the template, with parameters and resources named as in the suite. */
  private static String resolve(JsonNode node) {
    if (node.has("Fn::Sub")) {
      Matcher variable = Pattern.compile("\\$\\{([^}]+)}").matcher(node.get("Fn::Sub").asText());
      StringBuilder out = new StringBuilder();
      while (variable.find()) {
        variable.appendReplacement(out, Matcher.quoteReplacement(value(variable.group(1))));
      }
      return variable.appendTail(out).toString();
    }
    if (node.has("Ref")) {
      return value(node.get("Ref").asText());
    }
    if (node.has("Fn::GetAtt")) {
      return value(node.get("Fn::GetAtt").get(0).asText() + "." + node.get("Fn::GetAtt").get(1).asText());
    }
    return node.asText();
  }

  private static String value(String name) {
    return switch (name) {
      case "AWS::Partition" -> "aws";
      case "AWS::Region" -> "REGION";
      case "AWS::AccountId" -> "ACCOUNT";
      case "TableName" -> "shop";
      case "ApplicationName" -> APP;
      case "SesIdentity" -> "shop.example";
      case "WaitlistTopic" -> String.format(ARN, "sns", APP + "-waitlist.fifo");
      case "AnalyticsTopic" -> String.format(ARN, "sns", APP + "-analytics.fifo");
      case "DeadLetterQueue.Arn" -> String.format(ARN, "sqs", APP + "-dlq");
      case "SesEventsQueue.Arn" -> String.format(ARN, "sqs", APP + "-ses-events");
      case "EmailConfigurationSet" -> APP + "-email";
      case "IdempotencyTable.Arn" -> String.format(ARN, "dynamodb", "table/" + APP + "-idempotency");
      case "DeadLetterBucket.Arn" -> "arn:aws:s3:::BUCKET";
      case "ExportBucket.Arn", "ExportBucket" -> "arn:aws:s3:::EXPORTS";
      case "MetricsLogGroup" -> "/ecs/" + APP + "/metrics";
      default -> throw new AssertionError("IamPolicyIT does not know how to resolve ${" + name + "} in " + TEMPLATE);
    };
  }

  // --- the recorded calls, as ARNs of the template's resources --------------------------------------

  private static Set<Call> recordedCalls() throws IOException {
    Set<Call> calls = new TreeSet<>((a, b) ->
        (a.action() + " " + a.resource()).compareTo(b.action() + " " + b.resource()));
    for (Path dir : new Path[] {Path.of("target", "aws-operations"),
        Path.of("..", "handlers", "target", "aws-operations")}) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path file : files.toList()) {
            for (String line : Files.readAllLines(file)) {
              if (!line.isBlank()) {
                calls.add(call(line));
              }
            }
          }
        }
      }
    }
    return calls;
  }

  static Call call(String line) {
    String[] parts = line.split("\t", 2);
    String[] operation = parts[0].split(":", 2);
    String prefix = SERVICE_PREFIX.get(operation[0]);
    assertThat(prefix).as("IAM prefix of SDK service %s", operation[0]).isNotNull();
    String action = AUTHORISED_AS.getOrDefault(prefix + ":" + operation[1], prefix + ":" + operation[1]);
    String resource = parts.length > 1 ? parts[1] : "";
    return new Call(action, arn(prefix, action, resource));
  }

  private static String arn(String prefix, String action, String resource) {
    switch (prefix) {
      case "dynamodb" -> {
        if (resource.isEmpty() && action.equals("dynamodb:GetRecords")) {
          return String.format(ARN, "dynamodb", "table/shop/stream/(by shard iterator)"); // the worker reads one stream
        }
        if (resource.startsWith("export:")) { // an export ARN (moto's: .../table/<table ARN>/import/<id>)
          String path = resource.substring(resource.lastIndexOf(":table/") + ":table/".length());
          return String.format(ARN, "dynamodb", "table/" + table(path.substring(0, path.indexOf('/'))) + "/export/"
              + path.substring(path.lastIndexOf('/') + 1));
        }
        if (resource.startsWith("arn:")) { // a stream ARN
          return String.format(ARN, "dynamodb", resource.substring(resource.indexOf(":table/") + 1));
        }
        String path = resource.substring("table/".length());
        String index = path.contains("/index/") ? path.substring(path.indexOf("/index/")) : "";
        return String.format(ARN, "dynamodb", "table/" + table(path.replace(index, "")) + index);
      }
      case "sns" -> {
        String name = resource.substring(resource.lastIndexOf(':') + 1);
        return String.format(ARN, "sns", name.contains("waitlist") ? APP + "-waitlist.fifo"
            : name.endsWith(".fifo") ? APP + "-analytics.fifo" : name);
      }
      case "sqs" -> {
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        return String.format(ARN, "sqs", name.contains("dlq") ? APP + "-dlq"
            : name.startsWith("ses-") && name.endsWith("events") ? APP + "-ses-events" : name);
      }
      case "ses" -> {
        return String.format(ARN, "ses", "identity/" + resource.substring(resource.indexOf('@') + 1));
      }
      case "s3" -> {
        String key = resource.substring(resource.indexOf('/') + 1);
        // the suite's export buckets (snapshot) stand for ExportBucket, every other one for DeadLetterBucket
        String bucket = resource.substring(0, resource.indexOf('/')).contains("export") ? "EXPORTS" : "BUCKET";
        return key.isEmpty() ? "arn:aws:s3:::" + bucket : "arn:aws:s3:::" + bucket + "/" + key;
      }
      default -> {
        return resource;
      }
    }
  }

  /** A table of the suite named as in the template: the shop table, or one of the application's tables. */
  private static String table(String name) {
    if (name.equals("shop") || name.startsWith("no-pitr")) { // SnapshotCommandTest's shop tables without PITR
      return "shop";
    }
    if (name.contains("-replay-")) { // replay's own lease tables, its CoordinatorState and WorkerMetricStats too
      return APP + name.substring(name.indexOf("-replay-"));
    }
    for (String suffix : List.of("-idempotency", "-CoordinatorState", "-WorkerMetricStats")) {
      if (name.endsWith(suffix)) {
        return APP + suffix;
      }
    }
    return APP; // KCL's lease table is named after the application
  }

  private static boolean iamMatch(String pattern, String resource) {
    return resource.matches(Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
  }

  private static Iterable<JsonNode> list(JsonNode node) {
    return node.isArray() ? node : List.of(node);
  }
}
