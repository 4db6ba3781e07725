package dev.shopstream.pipeline.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A replay's application name may only name tables of its own: never the live worker's. */
class ReplayTablesTest {
  private static ReplayTables.Live live(String table, String idempotencyTable) {
    return new ReplayTables.Live("shop-stream-worker", table, idempotencyTable);
  }

  private final ReplayTables.Live live = live("shop", "shop-stream-idempotency");

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
    ReplayTables.Live odd = live("shop-stream-worker-replay-a-CoordinatorState", "shop-stream-worker-replay-b");
    assertThat(ReplayTables.problems("shop-stream-worker-replay-a", odd)).singleElement().asString()
        .contains("'shop-stream-worker-replay-a-CoordinatorState', which belongs to the live worker");
    assertThat(ReplayTables.problems("shop-stream-worker-replay-b", odd)).singleElement().asString()
        .contains("'shop-stream-worker-replay-b', which belongs to the live worker");
  }
}
