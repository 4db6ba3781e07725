package dev.shopstream.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.pipeline.config.ConfigKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The template's task definition kept in step with the code (unit, no services): every SHOP_ variable it sets
 * is a configuration key the worker knows; the health check runs a class that exists; the CloudWatch agent's
 * configuration is valid JSON and YAML, scrapes the worker's port and forwards every metric an alarm reads.
 */
class TaskDefinitionTest {
  private static final Path TEMPLATE = Path.of("").toAbsolutePath().getParent().resolve("docker").resolve("shop-stream.yaml");

  @Test
  void theWorkerContainerIsConfiguredWithKeysTheWorkerKnowsAndAProbeThatExists() throws Exception {
    JsonNode worker = container("worker");
    Set<String> known = Arrays.stream(ConfigKey.values()).map(ConfigKey::envName).collect(Collectors.toSet());
    HandlerCatalogue.standard().settings().forEach(setting -> known.add(setting.envName()));
    List<String> names = new ArrayList<>();
    worker.get("Environment").forEach(variable -> names.add(variable.get("Name").asText()));
    worker.get("Secrets").forEach(variable -> names.add(variable.get("Name").asText()));
    assertThat(names).isNotEmpty().allSatisfy(name -> assertThat(known.contains(name))
        .as("%s is a ConfigKey", name).isTrue());
    List<String> probe = new ArrayList<>();
    worker.get("HealthCheck").get("Command").forEach(part -> probe.add(part.asText()));
    assertThat(probe).startsWith("CMD", "java", "-cp", "/app/classes");
    Class.forName(probe.get(4)).getMethod("main", String[].class);
    assertThat(worker.get("StopTimeout").asInt()).as("above SHOP_SHUTDOWN_TIMEOUT_SECONDS")
        .isGreaterThan(names.contains("SHOP_SHUTDOWN_TIMEOUT_SECONDS") ? 20 : 0);
  }

  @Test
  void theAgentForwardsEveryMetricAnAlarmReads() throws Exception {
    JsonNode template = new YAMLMapper().readTree(TEMPLATE.toFile());
    JsonNode agent = container("cloudwatch-agent");
    String prometheus = env(agent, "PROMETHEUS_CONFIG_CONTENT").asText();
    JsonNode scrape = new YAMLMapper().readTree(prometheus).get("scrape_configs").get(0);
    assertThat(scrape.at("/static_configs/0/targets/0").asText()).isEqualTo("127.0.0.1:8080");
    String agentConfig = env(agent, "CW_CONFIG_CONTENT").get("Fn::Sub").asText().replace("${ApplicationName}", "app");
    JsonNode emf = new ObjectMapper().readTree(agentConfig).at("/logs/metrics_collected/prometheus/emf_processor");
    assertThat(emf.get("metric_namespace").asText()).isEqualTo("ShopStream");
    List<String> selectors = new ArrayList<>();
    emf.at("/metric_declaration/0/metric_selectors").forEach(s -> selectors.add(s.asText()));

    Set<String> alarmed = new TreeSet<>();
    template.get("Resources").forEach(resource -> {
      if (resource.get("Type").asText().equals("AWS::CloudWatch::Alarm")
          && resource.at("/Properties/Namespace").asText().equals("ShopStream")) {
        alarmed.add(resource.at("/Properties/MetricName").asText());
      }
    });
    assertThat(alarmed).containsExactlyInAnyOrder("shop_shard_lag_seconds", "shop_shard_holding_seconds", "shop_dlq_writes_total");
    assertThat(alarmed).allSatisfy(metric -> assertThat(selectors).contains("^" + metric + "$"));
  }

  private static JsonNode container(String name) throws Exception {
    JsonNode definitions = new YAMLMapper().readTree(TEMPLATE.toFile()).at("/Resources/TaskDefinition/Properties/ContainerDefinitions");
    for (JsonNode definition : definitions) {
      if (definition.get("Name").asText().equals(name)) {
        return definition;
      }
    }
    throw new AssertionError("no container " + name + " in " + TEMPLATE);
  }

  private static JsonNode env(JsonNode container, String name) {
    for (JsonNode variable : container.get("Environment")) {
      if (variable.get("Name").asText().equals(name)) {
        return variable.get("Value");
      }
    }
    throw new AssertionError("no " + name);
  }
}
