package dev.shopstream.handlers.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.local.aws.MotoLocal;
import dev.shopstream.local.aws.ShopTableSetup;
import dev.shopstream.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Claims against moto: conditional writes, conflicts, staleness, takeovers. */
@Tag("integration")
class DynamoIdempotencyStoreTest {
  private static MotoLocal local;
  private static DynamoDbClient dynamo;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
  /** Effect window 10 s (1 s start grace + 9 s call timeout), claims stale after 30 s. */
  private final DynamoIdempotencyStore store = new DynamoIdempotencyStore(dynamo, "claims", clock,
      Duration.ofSeconds(30), Duration.ofDays(7), new EffectWindow(Duration.ofSeconds(1), Duration.ofSeconds(9)));

  @BeforeAll
  static void start() {
    local = MotoLocal.start(Path.of("target", "local-services"));
    dynamo = local.client();
    // The table as bin/local-aws, the demo and the e2e tests create it: proves its key and TTL match the store.
    ShopTableSetup.createIdempotencyTableIfMissing(dynamo, "claims");
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    local.close();
  }

  private Map<String, AttributeValue> item(String id) {
    return dynamo.getItem(r -> r.tableName("claims").key(Map.of("id", AttributeValue.fromS(id)))).item();
  }

  @Test
  void theLocalTableSetUpSpellsTheStoresKeyAndTimeToLive() {
    assertThat(ShopTableSetup.IDEMPOTENCY_KEY).isEqualTo(DynamoIdempotencyStore.KEY);
    assertThat(ShopTableSetup.IDEMPOTENCY_TTL_ATTRIBUTE).isEqualTo(DynamoIdempotencyStore.TTL_ATTRIBUTE);
    assertThat(dynamo.describeTable(r -> r.tableName("claims")).table().keySchema())
        .singleElement().satisfies(k -> assertThat(k.attributeName()).isEqualTo(DynamoIdempotencyStore.KEY));
    assertThat(dynamo.describeTimeToLive(r -> r.tableName("claims")).timeToLiveDescription().attributeName())
        .isEqualTo(DynamoIdempotencyStore.TTL_ATTRIBUTE);
  }

  private static final String A = "worker-a/1111";
  private static final String B = "worker-b/2222";
  private static final String LEASE_NAME = "shop-stream-worker/shardId-1";
  private static final ShardLease LEASE = new ShardLease(LEASE_NAME, 5);
  private static final ShardLease NEWER = new ShardLease(LEASE_NAME, 6);

  @Test
  void aFirstClaimIsAcquiredAndASecondSeesItInProgress() {
    assertThat(store.claim("email", "order/1", "e-1", "t-1", A, LEASE)).isEqualTo(new Claim.Acquired("t-1", null));
    assertThat(store.claim("email", "order/1", "e-2", "t-2", B, null))
        .isEqualTo(new Claim.HeldElsewhere(Instant.parse("2026-11-27T10:00:30Z")));
    assertThat(store.claim("email", "order/1", "e-2", "t-3", A, LEASE)).as("its owner's next attempt")
        .isEqualTo(new Claim.HeldByMe("t-1", Instant.parse("2026-11-27T10:00:00Z"),
            Instant.parse("2026-11-27T10:00:30Z")));
    assertThat(item("email#order/1")).containsEntry("status", AttributeValue.fromS("IN_PROGRESS"))
        .containsEntry("eventId", AttributeValue.fromS("e-1")).containsEntry("owner", AttributeValue.fromS(A))
        .containsEntry("token", AttributeValue.fromS("t-1")).containsEntry("lease", AttributeValue.fromS(LEASE_NAME))
        .containsEntry("epoch", AttributeValue.fromN("5")).containsKey("expiresAt");
  }

  @Test
  void aClaimResentWithItsOwnTokenIsOurs() {
    store.claim("email", "order/1b", "e-1", "t-1", A, LEASE);
    assertThat(store.claim("email", "order/1b", "e-1", "t-1", A, LEASE)).isEqualTo(new Claim.Acquired("t-1", null));
  }

  @Test
  void aCompletedClaimAnswersCompletedWithItsDetail() {
    store.claim("email", "order/2", "e-1", "t-1", A, null);
    assertThat(store.complete("email", "order/2", "t-1", "sent as m-1")).isTrue();
    Claim again = store.claim("email", "order/2", "e-9", "t-2", B, null);
    assertThat(again).isEqualTo(new Claim.Completed("sent as m-1", Instant.parse("2026-11-27T10:00:00Z")));
    clock.advance(Duration.ofHours(1));
    assertThat(store.claim("email", "order/2", "e-9", "t-3", B, null)).isInstanceOf(Claim.Completed.class);
  }

  @Test
  void aStaleInProgressClaimIsTakenOverAndCounted() {
    store.claim("email", "order/3", "e-1", "t-1", A, LEASE);
    clock.advance(Duration.ofSeconds(31));
    assertThat(store.claim("email", "order/3", "e-1", "t-2", B, null)).isEqualTo(new Claim.Acquired("t-2",
        new Claim.Previous(A, "t-1", LEASE, Instant.parse("2026-11-27T10:00:00Z"), true)));
    assertThat(item("email#order/3").get("takeovers").n()).isEqualTo("1");
  }

  @Test
  void aNewerHolderOfTheLeaseTakesAnOlderHoldersClaimOverOnlyOnceItsEffectWindowIsOver() {
    store.claim("email", "order/3b", "e-1", "t-1", A, LEASE);
    assertThat(store.claim("email", "order/3b", "e-1", "t-2", B, new ShardLease("another-app/shardId-1", 9)))
        .as("another lease: wait until stale")
        .isEqualTo(new Claim.HeldElsewhere(Instant.parse("2026-11-27T10:00:30Z")));
    assertThat(store.claim("email", "order/3b", "e-1", "t-3", B, NEWER)).as("its effect may still land")
        .isEqualTo(new Claim.HeldElsewhere(Instant.parse("2026-11-27T10:00:10Z")));
    clock.advance(Duration.ofMillis(10_001));
    assertThat(store.claim("email", "order/3b", "e-1", "t-4", B, NEWER)).as("window over: taken over")
        .isEqualTo(new Claim.Acquired("t-4", new Claim.Previous(A, "t-1", LEASE, Instant.parse("2026-11-27T10:00:00Z"),
            false)));
  }

  @Test
  void anOlderHolderMeetingANewerHoldersClaimIsSupersededEvenOnceItIsStale() {
    store.claim("email", "order/3d", "e-1", "t-1", A, LEASE);
    clock.advance(Duration.ofSeconds(11));
    assertThat(store.claim("email", "order/3d", "e-1", "t-2", B, NEWER)).isInstanceOf(Claim.Acquired.class);
    assertThat(store.claim("email", "order/3d", "e-1", "t-3", A, LEASE)).as("the zombie's retry")
        .isEqualTo(new Claim.Superseded(6));
    clock.advance(Duration.ofMinutes(5));
    assertThat(store.claim("email", "order/3d", "e-1", "t-4", A, LEASE)).as("stale, but never back to an older epoch")
        .isEqualTo(new Claim.Superseded(6));
    assertThat(store.claim("email", "order/3d", "e-1", "t-5", A, null)).as("stale: a process without leases may")
        .isInstanceOf(Claim.Acquired.class);
  }

  @Test
  void aReattemptRestartsTheEffectWindowAndTheSettleTimeFromItsOwnTime() {
    store.claim("email", "order/3e", "e-1", "t-1", A, LEASE);
    clock.advance(Duration.ofSeconds(20));
    assertThat(store.reattempt("email", "order/3e", "t-1", LEASE)).isTrue();
    assertThat(store.reattempt("email", "order/3e", "t-other", LEASE)).as("not our claim").isFalse();
    clock.advance(Duration.ofSeconds(5));
    assertThat(store.claim("email", "order/3e", "e-1", "t-2", B, NEWER)).as("the window counts from the reattempt")
        .isEqualTo(new Claim.HeldElsewhere(Instant.parse("2026-11-27T10:00:30Z")));
    clock.advance(Duration.ofSeconds(6));
    assertThat(store.claim("email", "order/3e", "e-1", "t-3", B, NEWER)).isEqualTo(new Claim.Acquired("t-3",
        new Claim.Previous(A, "t-1", LEASE, Instant.parse("2026-11-27T10:00:20Z"), false)));
  }

  @Test
  void aTakenOverOwnerIsFencedItsCompletionAndReleaseChangeNothing() {
    store.claim("email", "order/3c", "e-1", "t-1", A, LEASE);
    clock.advance(Duration.ofSeconds(11));
    store.claim("email", "order/3c", "e-1", "t-2", B, NEWER);
    assertThat(store.complete("email", "order/3c", "t-1", "late")).isFalse();
    store.release("email", "order/3c", "t-1");
    assertThat(item("email#order/3c")).containsEntry("status", AttributeValue.fromS("IN_PROGRESS"))
        .containsEntry("token", AttributeValue.fromS("t-2"));
    assertThat(store.complete("email", "order/3c", "t-2", "sent")).isTrue();
    assertThat(store.complete("email", "order/3c", "t-2", "sent")).as("a resent completion of our own").isTrue();
  }

  @Test
  void aReleasedClaimCanBeTakenAtOnceButACompletedOneIsNotReleased() {
    store.claim("email", "order/4", "e-1", "t-1", A, null);
    store.release("email", "order/4", "t-1");
    assertThat(store.claim("email", "order/4", "e-1", "t-2", A, null)).isEqualTo(new Claim.Acquired("t-2", null));
    store.complete("email", "order/4", "t-2", "done");
    store.release("email", "order/4", "t-2");
    assertThat(store.claim("email", "order/4", "e-1", "t-3", A, null)).isInstanceOf(Claim.Completed.class);
  }

  @Test
  void scopesAreIndependent() {
    store.claim("email", "order/5", "e-1", "t-1", A, null);
    assertThat(store.claim("waitlist", "order/5", "e-1", "t-2", A, null)).isEqualTo(new Claim.Acquired("t-2", null));
  }

  @Test
  void aTakeoverKeepsTheEarlierAttemptsTimeUntilItAttemptsItself() {
    store.claim("email", "order/6", "e-1", "t-1", A, LEASE);
    clock.advance(Duration.ofSeconds(31));
    assertThat(store.claim("email", "order/6", "e-1", "t-2", B, null)).isInstanceOf(Claim.Acquired.class);
    assertThat(item("email#order/6").get("attemptAt").s()).as("nothing attempted by the taker yet")
        .isEqualTo("2026-11-27T10:00:00Z");
    assertThat(store.reattempt("email", "order/6", "t-2", null)).isTrue();
    assertThat(item("email#order/6").get("attemptAt").s()).isEqualTo("2026-11-27T10:00:31Z");
  }
}
