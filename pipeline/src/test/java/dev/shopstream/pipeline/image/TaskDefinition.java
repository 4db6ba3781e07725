package dev.shopstream.pipeline.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The worker container of docker/shop-stream.yaml's task definition, as the container tests read it: its
 * memory, stop timeout, command, health check and environment (references resolved), so that every
 * constraint a test applies comes from the template and follows it when it changes.
 */
final class TaskDefinition {
  private static final Path TEMPLATE =
      Path.of("").toAbsolutePath().getParent().resolve("docker").resolve("shop-stream.yaml");

  private final JsonNode template;
  private final JsonNode worker;

  private TaskDefinition(JsonNode template, JsonNode worker) {
    this.template = template;
    this.worker = worker;
  }

  /** The template's container named "worker". */
  static TaskDefinition worker() {
    try {
      JsonNode template = new YAMLMapper().readTree(TEMPLATE.toFile());
      for (JsonNode definition : template.at("/Resources/TaskDefinition/Properties/ContainerDefinitions")) {
        if (definition.get("Name").asText().equals("worker")) {
          return new TaskDefinition(template, definition);
        }
      }
      throw new AssertionError("no container named worker in " + TEMPLATE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The worker container's memory in MiB: its own hard limit, else the task's (the sidecar declares its own). */
  long memoryMiB() {
    if (worker.has("Memory")) {
      JsonNode memory = worker.get("Memory");
      return memory.has("Ref") ? Long.parseLong(parameterDefault(memory.get("Ref").asText())) : memory.asLong();
    }
    JsonNode taskMemory = template.at("/Resources/TaskDefinition/Properties/Memory");
    return Long.parseLong(parameterDefault(taskMemory.get("Ref").asText()));
  }

  int stopTimeoutSeconds() {
    return worker.get("StopTimeout").asInt();
  }

  boolean readonlyRootFilesystem() {
    return worker.get("ReadonlyRootFilesystem").asBoolean();
  }

  List<String> mountPaths() {
    return worker.get("MountPoints").findValuesAsText("ContainerPath");
  }

  boolean setsUser() {
    return worker.has("User");
  }

  List<String> command() {
    List<String> command = new ArrayList<>();
    worker.get("Command").forEach(arg -> command.add(arg.asText()));
    return command;
  }

  /** The health check command, without its CMD marker. */
  List<String> healthCheck() {
    List<String> command = new ArrayList<>();
    worker.at("/HealthCheck/Command").forEach(arg -> command.add(arg.asText()));
    assertThat(command).first().isEqualTo("CMD");
    return command.subList(1, command.size());
  }

  /** The Environment, references resolved: parameters to their defaults, resources to {@code resources}. */
  Map<String, String> environment(Map<String, String> resources) {
    Map<String, String> env = new LinkedHashMap<>();
    Set<String> unresolved = new TreeSet<>();
    for (JsonNode entry : worker.get("Environment")) {
      JsonNode value = entry.get("Value");
      String name = entry.get("Name").asText();
      String ref = value.path("Ref").asText(null);
      if (value.isValueNode()) {
        env.put(name, value.asText());
      } else if (ref != null && resources.containsKey(ref)) {
        env.put(name, resources.get(ref));
      } else if (ref != null && template.at("/Parameters/" + ref).has("Default")) {
        env.put(name, parameterDefault(ref));
      } else {
        unresolved.add(name + "=" + value);
      }
    }
    assertThat(unresolved).as("template environment the test cannot point at the local stack").isEmpty();
    return env;
  }

  private String parameterDefault(String name) {
    JsonNode parameter = template.at("/Parameters/" + name);
    assertThat(parameter.has("Default")).as("parameter %s has a default", name).isTrue();
    return parameter.get("Default").asText();
  }
}
