package dev.shopstream.pipeline.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after the whole test suite of the handlers and pipeline modules (failsafe, integration-test
 * phase): every AWS operation the worker's code and KCL called during those tests (recorded by
 * {@code AwsOperationRecorder}) must be allowed by docker/iam-task-policy.json, and the policy must
 * allow nothing that was never called. Resources must be named, never "*".
 */
class IamPolicyIT {
  private static final Map<String, String> SERVICE_PREFIX = Map.of(
      "DynamoDb", "dynamodb", "DynamoDbStreams", "dynamodb", "SesV2", "ses", "Sns", "sns", "Sqs", "sqs",
      "CloudWatch", "cloudwatch", "S3", "s3");
  /** SDK operations authorised as another IAM action. */
  private static final Map<String, String> AUTHORISED_AS = Map.of("sns:PublishBatch", "sns:Publish");

  @Test
  void thePolicyAllowsExactlyTheOperationsTheWorkerCalls() throws IOException {
    Set<String> called = new TreeSet<>();
    for (Path dir : new Path[] {Path.of("target", "aws-operations"), Path.of("..", "handlers", "target", "aws-operations")}) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path file : files.toList()) {
            for (String line : Files.readAllLines(file)) {
              if (!line.isBlank()) {
                called.add(action(line.trim()));
              }
            }
          }
        }
      }
    }
    assertThat(called).as("operations recorded by the test suite (run the whole suite: bin/test)").hasSizeGreaterThan(10);

    JsonNode policy = new ObjectMapper().readTree(Path.of("..", "docker", "iam-task-policy.json").toFile());
    Set<String> allowed = new TreeSet<>();
    for (JsonNode statement : policy.get("Statement")) {
      assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
      for (JsonNode action : list(statement.get("Action"))) {
        assertThat(action.asText()).as("no wildcard actions").doesNotContain("*");
        allowed.add(action.asText());
      }
      for (JsonNode resource : list(statement.get("Resource"))) {
        assertThat(resource.asText()).as("statement %s names its resources", statement.get("Sid")).isNotEqualTo("*");
      }
    }

    assertThat(called).as("called but not allowed by the policy").isSubsetOf(allowed);
    assertThat(allowed).as("allowed by the policy but never called").isSubsetOf(called);
  }

  private static String action(String serviceOperation) {
    String[] parts = serviceOperation.split(":", 2);
    String prefix = SERVICE_PREFIX.get(parts[0]);
    assertThat(prefix).as("IAM prefix of SDK service %s", parts[0]).isNotNull();
    String action = prefix + ":" + parts[1];
    return AUTHORISED_AS.getOrDefault(action, action);
  }

  private static Iterable<JsonNode> list(JsonNode node) {
    return node.isArray() ? node : java.util.List.of(node);
  }
}
