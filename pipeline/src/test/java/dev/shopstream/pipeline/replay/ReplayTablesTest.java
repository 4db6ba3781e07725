package dev.shopstream.pipeline.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.pipeline.config.WorkerConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A replay's application name may only name tables of its own: never the live worker's. */
class ReplayTablesTest {
  private static WorkerConfig live(String table, String idempotencyTable) {
    Map<String, String> env = new HashMap<>();
    env.put("SHOP_TABLE", table);
    env.put("SHOP_APPLICATION_NAME", "shop-stream-worker");
    env.put("SHOP_IDEMPOTENCY_TABLE", idempotencyTable);
    env.put("SHOP_HANDLERS", "logging");
    env.put("SHOP_DLQ_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq");
    return CompositionRoot.configuration(env, HandlerCatalogue.standard());
  }

  private final WorkerConfig live = live("shop", "shop-stream-idempotency");

  @Test
  void aNameUnderTheReplayPrefixIsAccepted() {
    assertThat(ReplayTables.problems("shop-stream-worker-replay-1764000000", live)).isEmpty();
    assertThat(ReplayTables.leaseTables("shop-stream-worker-replay-x")).containsExactly("shop-stream-worker-replay-x",
        "shop-stream-worker-replay-x-CoordinatorState", "shop-stream-worker-replay-x-WorkerMetricStats");
  }

  @Test
  void theLiveTableTheLiveLeaseTableAndTheIdempotencyTableAreRefused() {
    assertThat(ReplayTables.problems("shop", live))
        .anySatisfy(p -> assertThat(p).contains("must start with 'shop-stream-worker-replay-'"))
        .anySatisfy(p -> assertThat(p).contains("'shop', which belongs to the live worker"));
    assertThat(ReplayTables.problems("shop-stream-worker", live)).anySatisfy(p -> assertThat(p).contains(
        "'shop-stream-worker-CoordinatorState', which belongs to the live worker"));
    assertThat(ReplayTables.problems("shop-stream-idempotency", live)).anySatisfy(p -> assertThat(p).contains(
        "'shop-stream-idempotency', which belongs to the live worker"));
    assertThat(ReplayTables.problems("shop-stream-worker-replay-", live)).as("a suffix is needed").isNotEmpty();
    assertThat(ReplayTables.problems("other-app-replay-1", live)).isNotEmpty();
  }

  @Test
  void aLiveTableThatHappensToCarryTheReplayPrefixIsStillRefused() {
    WorkerConfig odd = live("shop-stream-worker-replay-a-CoordinatorState", "shop-stream-worker-replay-b");
    assertThat(ReplayTables.problems("shop-stream-worker-replay-a", odd)).singleElement().asString()
        .contains("'shop-stream-worker-replay-a-CoordinatorState', which belongs to the live worker");
    assertThat(ReplayTables.problems("shop-stream-worker-replay-b", odd)).singleElement().asString()
        .contains("'shop-stream-worker-replay-b', which belongs to the live worker");
  }
}
