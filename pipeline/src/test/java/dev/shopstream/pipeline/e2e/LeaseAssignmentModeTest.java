package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.pipeline.testing.RecordingHandler;
import dev.shopstream.testkit.ShopItems;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * SHOP_KCL_ASSIGNMENT reaches KCL through the migration state it keeps in {@code <app>-CoordinatorState}:
 * LEADER runs KCL 3's own mode (state CLIENT_VERSION_3X), and a restart of the same application with
 * WORKERS pins CLIENT_VERSION_2X, which KCL 3.1.1 keeps for good (no flip back to the leader after 10
 * minutes). Records flow in both.
 */
@Tag("e2e")
class LeaseAssignmentModeTest {
  private static final String APP = "assignment-mode";

  @Test
  void leaderModeRunsKcl3AndWorkersModePinsKcl2StyleTakingOnTheSameApplication() {
    try (LocalShopStack stack = LocalWorkers.stack()) {
      Map<String, String> env = stack.workerEnvironment(APP);
      env.put("SHOP_HANDLERS", "recorder");

      env.put("SHOP_KCL_ASSIGNMENT", "LEADER");
      runOneRecord(stack, env, "leader");
      assertThat(clientVersion(stack)).as("KCL's mode with LEADER").isEqualTo("CLIENT_VERSION_3X");

      env.put("SHOP_KCL_ASSIGNMENT", "WORKERS");
      runOneRecord(stack, env, "workers");
      assertThat(clientVersion(stack)).as("KCL's mode with WORKERS").isEqualTo("CLIENT_VERSION_2X");
    }
  }

  private static void runOneRecord(LocalShopStack stack, Map<String, String> env, String user) {
    RecordingHandler recorder = new RecordingHandler("recorder");
    try (ShopStreamWorker worker = LocalWorkers.start(env, recorder)) {
      stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(ShopItems.profile(user,
          user + "@example.com", user)));
      await().atMost(Duration.ofSeconds(150)).until(() -> recorder.handled().stream()
          .anyMatch(e -> e.metadata().entityKey().partitionKey().equals("USER#" + user)));
    }
  }

  private static String clientVersion(LocalShopStack stack) {
    Map<String, AttributeValue> item = stack.dynamo.getItem(r -> r.tableName(APP + "-CoordinatorState")
        .key(Map.of("key", AttributeValue.fromS("Migration3.0"))).consistentRead(true)).item();
    return item == null || !item.containsKey("cv") ? null : item.get("cv").s();
  }
}
