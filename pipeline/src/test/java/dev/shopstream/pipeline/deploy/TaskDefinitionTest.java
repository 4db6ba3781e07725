package dev.shopstream.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.pipeline.app.WorkerConfig;
import dev.shopstream.pipeline.dlq.DeadLetterCodec;
import dev.shopstream.pipeline.dlq.SqsDeadLetterQueue;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.ShardProgress;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import dev.shopstream.settings.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The template's task definition kept in step with the code (unit, no services): every SHOP_ variable it sets
 * is a configuration key the worker knows; the health check runs a class that exists; the CloudWatch agent's
 * configuration is valid JSON and YAML, scrapes the worker's port, writes the stack's metrics log group and
 * forwards every metric an alarm reads; each alarm reads a name the worker's code exposes, with the dimension
 * the agent publishes and the designed missing-data rule; the agent's image is pinned by digest.
 */
class TaskDefinitionTest {
  private static final Path TEMPLATE = Path.of("").toAbsolutePath().getParent().resolve("docker")
      .resolve("shop-stream.yaml");

  @Test
  void theWorkerContainerIsConfiguredWithKeysTheWorkerKnowsAndAProbeThatExists() throws Exception {
    JsonNode worker = container("worker");
    Set<String> known = WorkerConfig.KEYS.values().stream().flatMap(List::stream).map(Setting::envName)
        .collect(Collectors.toSet());
    HandlerCatalogue.standard().settings().forEach(setting -> known.add(setting.envName()));
    List<String> names = new ArrayList<>();
    worker.get("Environment").forEach(variable -> names.add(variable.get("Name").asText()));
    worker.get("Secrets").forEach(variable -> names.add(variable.get("Name").asText()));
    assertThat(names).isNotEmpty().allSatisfy(name -> assertThat(known.contains(name))
        .as("%s is a declared setting", name).isTrue());
    List<String> probe = new ArrayList<>();
    worker.get("HealthCheck").get("Command").forEach(part -> probe.add(part.asText()));
    assertThat(probe).startsWith("CMD", "java", "-cp", "/app/classes");
    Class.forName(probe.get(4)).getMethod("main", String[].class);
    assertThat(worker.get("StopTimeout").asInt()).as("above SHOP_SHUTDOWN_TIMEOUT_SECONDS")
        .isGreaterThan(names.contains("SHOP_SHUTDOWN_TIMEOUT_SECONDS") ? 20 : 0);
  }

  @Test
  void theAgentForwardsEveryMetricAnAlarmReads() throws Exception {
    JsonNode agent = container("cloudwatch-agent");
    String prometheus = env(agent, "PROMETHEUS_CONFIG_CONTENT").get("Fn::Sub").asText()
        .replace("${ApplicationName}", "app");
    JsonNode scrape = new YAMLMapper().readTree(prometheus).get("scrape_configs").get(0);
    assertThat(scrape.at("/static_configs/0/targets/0").asText()).isEqualTo("127.0.0.1:8080");
    assertThat(scrape.at("/static_configs/0/labels/Service").asText()).as("the Service dimension is the application")
        .isEqualTo("app");
    JsonNode prometheusInput = agentConfig(agent).at("/logs/metrics_collected/prometheus");
    assertThat(prometheusInput.get("log_group_name").asText()).as("the agent writes the stack's metrics log group")
        .isEqualTo("LOG_GROUP(MetricsLogGroup)");
    assertThat(prometheusInput.has("retention_in_days")).as("retention is the template's (else the agent calls "
        + "PutRetentionPolicy and DescribeLogGroups, which its policy does not grant)").isFalse();
    JsonNode emf = prometheusInput.get("emf_processor");
    assertThat(emf.get("metric_namespace").asText()).isEqualTo("ShopStream");
    assertThat(emf.at("/metric_declaration/0/dimensions").toString()).isEqualTo("[[\"Service\"]]");
    List<String> selectors = new ArrayList<>();
    emf.at("/metric_declaration/0/metric_selectors").forEach(s -> selectors.add(s.asText()));

    Set<String> alarmed = new TreeSet<>();
    shopStreamAlarms().forEach(alarm -> alarmed.add(alarm.get("MetricName").asText()));
    assertThat(alarmed).containsExactlyInAnyOrder("shop_shard_lag_seconds", "shop_shard_holding_seconds",
        "shop_dlq_writes_total", "shop_dlq_write_failures_total", "shop_handler_systemic_failures_total");
    assertThat(alarmed).allSatisfy(metric -> assertThat(selectors).contains("^" + metric + "$"));
  }

  /** Each alarm: metric, statistic, comparison and what missing data means (docs/operations.md, Alarms). */
  @Test
  void theAlarmsReadTheirMetricsAndTreatMissingDataAsDesigned() throws Exception {
    Map<String, String> expected = Map.of(
        // name -> metric statistic comparison threshold treat-missing-data
        "LagAlarm", "shop_shard_lag_seconds Maximum GreaterThanThreshold {\"Ref\":\"LagAlarmSeconds\"} missing",
        "MetricsSilentAlarm", "shop_shard_lag_seconds SampleCount LessThanThreshold 1 breaching",
        "HoldingAlarm", "shop_shard_holding_seconds Maximum GreaterThanThreshold {\"Ref\":\"HoldingAlarmSeconds\"} "
            + "notBreaching",
        "SystemicFailuresAlarm", "shop_handler_systemic_failures_total Sum GreaterThanThreshold 0 notBreaching",
        "DeadLetterWritesAlarm", "shop_dlq_writes_total Sum GreaterThanThreshold 0 notBreaching",
        "DeadLetterWriteFailuresAlarm", "shop_dlq_write_failures_total Sum GreaterThanThreshold 0 notBreaching");
    JsonNode resources = new YAMLMapper().readTree(TEMPLATE.toFile()).get("Resources");
    Map<String, String> actual = new TreeMap<>();
    resources.fields().forEachRemaining(resource -> {
      JsonNode alarm = resource.getValue().get("Properties");
      if (resource.getValue().get("Type").asText().equals("AWS::CloudWatch::Alarm")
          && alarm.get("Namespace").asText().equals("ShopStream")) {
        JsonNode threshold = alarm.get("Threshold");
        actual.put(resource.getKey(), String.join(" ", alarm.get("MetricName").asText(),
            alarm.get("Statistic").asText(), alarm.get("ComparisonOperator").asText(),
            threshold.isContainerNode() ? threshold.toString() : threshold.asText(),
            alarm.get("TreatMissingData").asText()));
        assertThat(alarm.get("Dimensions").toString()).as(resource.getKey() + ": the dimension the agent publishes")
            .isEqualTo("[{\"Name\":\"Service\",\"Value\":{\"Ref\":\"ApplicationName\"}}]");
        assertThat(alarm.get("AlarmActions").toString()).as(resource.getKey()).contains("AlarmTopicArn");
      }
    });
    assertThat(actual).isEqualTo(new TreeMap<>(expected));
    JsonNode silent = resources.at("/MetricsSilentAlarm/Properties");
    assertThat(silent.get("Period").asInt() * silent.get("EvaluationPeriods").asInt())
        .as("silence outlasts a KCL failover (~136 s measured) and the agent's scrape and flush")
        .isGreaterThanOrEqualTo(600);
    assertThat(silent.get("DatapointsToAlarm").asInt()).isEqualTo(silent.get("EvaluationPeriods").asInt());
  }

  /**
   * The names the alarms read are the ones the worker's own code registers, as Prometheus exposes them (Micrometer's
   * {@code shop.dlq.write.failures} counter becomes {@code shop_dlq_write_failures_total}): a renamed meter fails here.
   */
  @Test
  void theAlarmedMetricsAreWhatTheWorkerExposes() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PipelineMetrics metrics = new PipelineMetrics(registry);
    metrics.systemicFailure("email");
    metrics.deadLetter("HANDLER_FAILED_PERMANENTLY");
    new ShardProgress(registry, Clock.systemUTC()).track("shardId-1", () -> null);
    SqsClient queue = new SqsClient() {
      @Override
      public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
        return GetQueueAttributesResponse.builder().attributes(Map.of(QueueAttributeName.MAXIMUM_MESSAGE_SIZE,
            "1048576")).build();
      }

      @Override
      public String serviceName() {
        return "sqs";
      }

      @Override
      public void close() {}
    };
    new SqsDeadLetterQueue(queue, "https://queue", new DeadLetterCodec(new ObjectMapper()), null, registry);
    Set<String> exposed = new TreeSet<>();
    Matcher names = Pattern.compile("(?m)^(shop_[a-z_]+)").matcher(registry.scrape());
    while (names.find()) {
      exposed.add(names.group(1));
    }
    Set<String> alarmed = new TreeSet<>();
    shopStreamAlarms().forEach(alarm -> alarmed.add(alarm.get("MetricName").asText()));
    assertThat(exposed).containsAll(alarmed);
  }

  @Test
  void theAgentImageIsPinnedByDigest() throws Exception {
    assertThat(container("cloudwatch-agent").get("Image").toString()).isEqualTo("{\"Ref\":\"MetricsAgentImage\"}");
    JsonNode parameter = new YAMLMapper().readTree(TEMPLATE.toFile()).at("/Parameters/MetricsAgentImage");
    assertThat(parameter.has("Default")).as("no default: a tag cannot slip in, and no digest is made up here")
        .isFalse();
    // CloudFormation matches the whole value
    Pattern allowed = Pattern.compile(parameter.get("AllowedPattern").asText());
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    assertThat(allowed.matcher("public.ecr.aws/cloudwatch-agent/cloudwatch-agent@" + digest).matches()).isTrue();
    assertThat(allowed.matcher("123456789012.dkr.ecr.eu-west-1.amazonaws.com:443/mirror/cloudwatch-agent@" + digest)
        .matches()).isTrue();
    for (String unpinned : List.of("public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest",
        "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300066.0", "cloudwatch-agent@sha256:abc",
        "public.ecr.aws/cloudwatch-agent/cloudwatch-agent@" + digest.toUpperCase().replace("SHA", "sha") + "0")) {
      assertThat(allowed.matcher(unpinned).matches()).as(unpinned).isFalse();
    }
  }

  private static List<JsonNode> shopStreamAlarms() throws Exception {
    List<JsonNode> alarms = new ArrayList<>();
    new YAMLMapper().readTree(TEMPLATE.toFile()).get("Resources").forEach(resource -> {
      if (resource.get("Type").asText().equals("AWS::CloudWatch::Alarm")
          && resource.at("/Properties/Namespace").asText().equals("ShopStream")) {
        alarms.add(resource.get("Properties"));
      }
    });
    return alarms;
  }

  /** The agent's JSON configuration, its Fn::Sub variables replaced by markers. */
  @Test
  void theWorkerAndTheAgentHaveTheirOwnMemoryWithinTheTasks() throws Exception {
    JsonNode parameters = new YAMLMapper().readTree(TEMPLATE.toFile()).get("Parameters");
    JsonNode worker = container("worker").get("Memory");
    assertThat(worker.get("Ref").asText()).as("the worker's share is a parameter").isEqualTo("WorkerMemory");
    long workerMiB = parameters.at("/WorkerMemory/Default").asLong();
    long agentMiB = container("cloudwatch-agent").get("Memory").asLong();
    long taskMiB = parameters.at("/TaskMemory/Default").asLong();
    assertThat(workerMiB + agentMiB).as("worker %d + agent %d MiB within the task's %d", workerMiB, agentMiB, taskMiB)
        .isLessThanOrEqualTo(taskMiB);
    assertThat(agentMiB).isPositive();
  }

  static JsonNode agentConfig(JsonNode agent) throws Exception {
    String config = env(agent, "CW_CONFIG_CONTENT").get("Fn::Sub").asText()
        .replace("${MetricsLogGroup}", "LOG_GROUP(MetricsLogGroup)").replace("${ApplicationName}", "app");
    assertThat(config).doesNotContain("${");
    return new ObjectMapper().readTree(config);
  }

  static JsonNode container(String name) throws Exception {
    JsonNode definitions = new YAMLMapper().readTree(TEMPLATE.toFile())
        .at("/Resources/TaskDefinition/Properties/ContainerDefinitions");
    for (JsonNode definition : definitions) {
      if (definition.get("Name").asText().equals(name)) {
        return definition;
      }
    }
    throw new AssertionError("no container " + name + " in " + TEMPLATE);
  }

  static JsonNode env(JsonNode container, String name) {
    for (JsonNode variable : container.get("Environment")) {
      if (variable.get("Name").asText().equals(name)) {
        return variable.get("Value");
      }
    }
    throw new AssertionError("no " + name);
  }
}
