package dev.shopstream.handlers.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.testing.Events;
import dev.shopstream.testkit.ManualClock;
import dev.shopstream.handlers.testing.MemoryIdempotencyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The claim protocol's decisions, on an in-memory store. */
class OnceOnlyTest {
  private static final ShardLease LEASE = new ShardLease("app/shardId-1", 5);
  private static final ShardLease NEWER = new ShardLease("app/shardId-1", 6);
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
  private final MemoryIdempotencyStore store = new MemoryIdempotencyStore(clock);
  private final List<String> superseded = new ArrayList<>();
  private final List<ClaimTicket> runs = new ArrayList<>();
  private final DomainEvent event = Events.restock("lamp", "Desk lamp");

  private OnceOnly worker(String owner, Reconciliation reconciliation) {
    return worker(owner, LEASE, reconciliation);
  }

  private OnceOnly worker(String owner, ShardLease lease, Reconciliation reconciliation) {
    return new OnceOnly(store, owner, holding(lease), reconciliation, clock);
  }

  private LeaseView holding(ShardLease lease) {
    return new LeaseView() {
      @Override
      public ShardLease admit(EventSource source) {
        return lease;
      }

      @Override
      public void superseded(EventSource source, ShardLease ours, long newerEpoch) {
        superseded.add(ours + " < " + newerEpoch);
      }
    };
  }

  private static Reconciliation notSeen(Duration settle) {
    return new Reconciliation() {
      @Override
      public Evidence lookup(String scope, String key) {
        return new NotSeen();
      }

      @Override
      public Duration settleTime() {
        return settle;
      }
    };
  }

  private static EffectFailure unknown() {
    return EffectFailure.outcomeUnknown("timed out", null);
  }

  private String effect(ClaimTicket ticket) {
    runs.add(ticket);
    return "done by " + ticket.token();
  }

  @Test
  void aFailureKnownToHaveHadNoEffectReleasesTheClaimForTheNextAttempt() {
    OnceOnly once = worker("a", Reconciliation.NONE);
    assertThatThrownBy(() -> once.run("s", "k", event, t -> {
      throw EffectFailure.retryable("connection refused", null);
    })).hasMessageContaining("refused");
    assertThat(store.inProgress()).isEmpty();
    assertThat(once.run("s", "k", event, this::effect).ranNow()).isTrue();
  }

  @Test
  void anUnknownOutcomeKeepsTheClaimUntilItGoesStaleThenTheEffectIsRepeatedOnce() {
    OnceOnly once = worker("a", Reconciliation.NONE);
    assertThatThrownBy(() -> once.run("s", "k", event, t -> {
      throw EffectFailure.outcomeUnknown("timed out", null);
    })).isInstanceOf(EffectFailure.class);
    assertThat(store.inProgress()).containsOnlyKeys("s#k");
    assertThatThrownBy(() -> once.run("s", "k", event, this::effect)).hasMessageContaining("kept until it goes stale");
    assertThat(runs).isEmpty();

    store.makeStale("s", "k");
    assertThat(once.run("s", "k", event, this::effect).ranNow()).isTrue();
    assertThat(runs).hasSize(1);
  }

  @Test
  void aFailedCompletionIsRetriedAsCompletionOnly() {
    OnceOnly once = worker("a", Reconciliation.NONE);
    store.failCompletions(3);
    for (int attempt = 0; attempt < 3; attempt++) {
      assertThatThrownBy(() -> once.run("s", "k", event, this::effect)).hasMessageContaining("completion pending");
    }
    OnceOnly.Outcome outcome = once.run("s", "k", event, this::effect);
    assertThat(outcome.ranNow()).isTrue();
    assertThat(runs).as("the effect ran once").hasSize(1);
    assertThat(store.completed()).containsKey("s#k");
  }

  @Test
  void aNewerHolderTakesAnOlderHoldersClaimOnlyAfterItsEffectWindowAndNeverUnderAnotherLease() {
    store.claim("s", "k", "e", "dead#1", "dead-worker", LEASE);
    store.claim("s", "other", "e", "live#1", "live-worker", new ShardLease("app/shardId-2", 1));

    assertThatThrownBy(() -> worker("b", NEWER, Reconciliation.NONE).run("s", "k", event, this::effect))
        .hasMessageContaining("another attempt");
    clock.advance(EffectWindow.DEFAULT.length().plusMillis(1));
    assertThat(worker("b", NEWER, Reconciliation.NONE).run("s", "k", event, this::effect).ranNow()).isTrue();
    assertThatThrownBy(() -> worker("b", NEWER, Reconciliation.NONE).run("s", "other", event, this::effect))
        .hasMessageContaining("another attempt");
    assertThat(runs).hasSize(1);
  }

  @Test
  void aClaimHeldElsewhereIsATypedDeferralAndAPendingCompletionARetryableFailure() {
    store.claim("s", "k", "e", "other#1", "other-worker", LEASE);
    assertThatThrownBy(() -> worker("a", Reconciliation.NONE).run("s", "k", event, this::effect))
        .isInstanceOf(EffectFailure.Deferral.class)
        .satisfies(e -> assertThat(EffectFailure.isRetryable(e)).as("retried on the same schedule").isTrue());

    OnceOnly once = worker("a", Reconciliation.NONE);
    store.failCompletions(2);
    assertThatThrownBy(() -> once.run("s", "j", event, this::effect)).isInstanceOf(EffectFailure.class)
        .isNotInstanceOf(EffectFailure.Deferral.class);
    assertThatThrownBy(() -> once.run("s", "j", event, this::effect)).as("the claims store failed again")
        .hasMessageContaining("completion pending").isNotInstanceOf(EffectFailure.Deferral.class);
    assertThat(runs).hasSize(1);
  }

  @Test
  void anOldHolderWhoseClaimWasTakenOverIsRefusedAndStopsTheShard() {
    OnceOnly old = worker("a", LEASE, Reconciliation.NONE);
    assertThatThrownBy(() -> old.run("s", "k", event, t -> {
      throw unknown();
    })).isInstanceOf(EffectFailure.class);
    clock.advance(EffectWindow.DEFAULT.length().plusMillis(1));
    assertThatThrownBy(() -> worker("b", NEWER, Reconciliation.NONE).run("s", "k", event, t -> {
      runs.add(t);
      throw unknown(); // the new holder's attempt is in progress (its outcome unknown)
    })).isInstanceOf(EffectFailure.class);

    assertThatThrownBy(() -> old.run("s", "k", event, this::effect)).hasMessageContaining("newer holder");
    store.makeStale("s", "k");
    assertThatThrownBy(() -> old.run("s", "k", event, this::effect)).as("even once the claim is stale")
        .hasMessageContaining("newer holder");
    assertThat(superseded).containsExactly("app/shardId-1@5 < 6", "app/shardId-1@5 < 6");
    assertThat(runs).as("only the new holder's effect").hasSize(1);
  }

  @Test
  void noClaimAndNoEffectWhileTheLeaseIsNotHeld() {
    LeaseView lost = source -> {
      throw EffectFailure.retryable("lease of shardId-1 no longer held", null);
    };
    OnceOnly once = new OnceOnly(store, "a", lost, Reconciliation.NONE, clock);
    assertThatThrownBy(() -> once.run("s", "k", event, this::effect)).hasMessageContaining("no longer held");
    assertThat(runs).isEmpty();
    assertThat(store.inProgress()).isEmpty();
  }

  @Test
  void aLeaseLostBetweenTheClaimAndTheCallGivesTheClaimBackWithoutTheEffect() {
    int[] checks = {0};
    LeaseView losesItAfterTheClaim = source -> {
      if (checks[0]++ > 0) {
        throw EffectFailure.retryable("lease of shardId-1 no longer held", null);
      }
      return LEASE;
    };
    OnceOnly once = new OnceOnly(store, "a", losesItAfterTheClaim, Reconciliation.NONE, clock);
    assertThatThrownBy(() -> once.run("s", "k", event, this::effect)).hasMessageContaining("no longer held");
    assertThatThrownBy(() -> once.runBatch("s", event, List.of("u-1", "u-2"), u -> u, claimed -> {
      throw new AssertionError("the call must not be made");
    })).hasMessageContaining("no longer held");
    assertThat(runs).isEmpty();
    assertThat(store.inProgress()).as("claims given back").isEmpty();
  }

  @Test
  void aClaimOlderThanTheStartGraceWhenTheCallWouldStartIsGivenBack() {
    MemoryIdempotencyStore slow = new MemoryIdempotencyStore(clock);
    IdempotencyStore slowClaims = claimsTaking(slow, EffectWindow.DEFAULT.startGrace().plusMillis(1));
    OnceOnly once = new OnceOnly(slowClaims, "a", holding(LEASE), Reconciliation.NONE, clock);
    assertThatThrownBy(() -> once.run("s", "k", event, this::effect)).hasMessageContaining("start grace");
    assertThat(runs).isEmpty();
    assertThat(slow.inProgress()).isEmpty();
  }

  @Test
  void theSettleTimeCountsFromTheLatestAttemptNotTheFirst() {
    Duration settle = Duration.ofSeconds(60);
    OnceOnly first = worker("a", LEASE, notSeen(settle));
    assertThatThrownBy(() -> first.run("s", "k", event, t -> {
      throw unknown();
    })).isInstanceOf(EffectFailure.class);
    clock.advance(settle.plusSeconds(1));
    assertThatThrownBy(() -> first.run("s", "k", event, t -> {
      runs.add(t);
      throw unknown(); // the second send's answer is lost too, then this worker dies
    })).isInstanceOf(EffectFailure.class);
    assertThat(runs).hasSize(1);

    OnceOnly next = worker("b", NEWER, notSeen(settle));
    clock.advance(Duration.ofSeconds(59));
    assertThatThrownBy(() -> next.run("s", "k", event, this::effect))
        .as("60 s after the first send, 59 after the second")
        .hasMessageContaining("waiting for the provider's evidence");
    clock.advance(Duration.ofSeconds(2));
    assertThat(next.run("s", "k", event, this::effect).ranNow()).isTrue();
    assertThat(runs).hasSize(2);
  }

  @Test
  void aTakeoverWhoseEffectTheProviderRecordedIsCompletedWithoutRunningIt() {
    store.claim("s", "k", "e", "dead#1", "dead-worker", LEASE);
    clock.advance(EffectWindow.DEFAULT.length().plusMillis(1));
    Reconciliation accepted = new Reconciliation() {
      @Override
      public Evidence lookup(String scope, String key) {
        return new Accepted("message m-1");
      }

      @Override
      public Duration settleTime() {
        return Duration.ofSeconds(30);
      }
    };
    OnceOnly.Outcome outcome = worker("b", NEWER, accepted).run("s", "k", event, this::effect);
    assertThat(outcome.ranNow()).isFalse();
    assertThat(outcome.detail()).contains("message m-1");
    assertThat(runs).isEmpty();
    assertThat(store.completed()).containsKey("s#k");
  }

  @Test
  void theBatchFormClaimsRunsOnceAndReleasesOnlyWhatWasNotDone() {
    OnceOnly once = worker("a", Reconciliation.NONE);
    store.holdElsewhere("s", "u-2");
    List<List<String>> calls = new ArrayList<>();
    OnceOnly.BatchOutcome<String> outcome = once.runBatch("s", event, List.of("u-1", "u-2", "u-3"), u -> u, claimed -> {
      List<String> items = claimed.stream().map(OnceOnly.Ticketed::item).toList();
      calls.add(items);
      return new OnceOnly.BatchResult<>(List.of("u-1"), Map.of("u-3", "throttled"));
    });
    assertThat(calls).containsExactly(List.of("u-1", "u-3"));
    assertThat(outcome.ranNow()).containsExactly("u-1");
    assertThat(outcome.deferred()).containsExactlyInAnyOrder("u-2", "u-3");
    assertThat(store.inProgress()).as("u-3 released, u-2 still the other's").containsOnlyKeys("s#u-2");
  }

  @Test
  void aSlowClaimsTableSplitsABatchIntoCallsThatEachStartWithinTheGraceAndAllGoOut() {
    Duration perClaim = EffectWindow.DEFAULT.startGrace().dividedBy(5); // half the grace after every 3rd claim
    IdempotencyStore slowClaims = claimsTaking(store, perClaim);
    OnceOnly once = new OnceOnly(slowClaims, "a", holding(LEASE), Reconciliation.NONE, clock);
    List<String> users = List.of("u-1", "u-2", "u-3", "u-4", "u-5", "u-6", "u-7", "u-8", "u-9", "u-10");
    List<List<String>> calls = new ArrayList<>();
    OnceOnly.BatchOutcome<String> outcome = once.runBatch("s", event, users, u -> u, claimed -> {
      List<String> sent = claimed.stream().map(OnceOnly.Ticketed::item).toList();
      calls.add(sent);
      return new OnceOnly.BatchResult<>(sent, Map.of());
    });

    assertThat(calls).containsExactly(List.of("u-1", "u-2", "u-3"), List.of("u-4", "u-5", "u-6"),
        List.of("u-7", "u-8", "u-9"), List.of("u-10"));
    assertThat(outcome.ranNow()).containsExactlyElementsOf(users);
    assertThat(outcome.deferred()).isEmpty();
  }

  @Test
  void aClaimGoingStaleWhileItsOutcomeIsReconciledDoesNotPushTheSettleTimeForward() {
    Duration settle = Duration.ofSeconds(60);
    OnceOnly once = worker("a", LEASE, notSeen(settle));
    assertThatThrownBy(() -> once.run("s", "k", event, t -> {
      throw unknown();
    })).isInstanceOf(EffectFailure.class);
    for (int second = 10; second <= 50; second += 10) {
      clock.advance(Duration.ofSeconds(10));
      store.makeStale("s", "k"); // a claim timeout shorter than the settle time: it goes stale again and again
      assertThatThrownBy(() -> once.run("s", "k", event, this::effect)).as("at %d s", second)
          .hasMessageContaining("waiting for the provider's evidence");
    }
    clock.advance(Duration.ofSeconds(11));
    store.makeStale("s", "k");
    assertThat(once.run("s", "k", event, this::effect).ranNow()).as("60 s after the attempt, not after a takeover")
        .isTrue();
    assertThat(runs).hasSize(1);
  }

  /** {@code claims} whose every claim takes {@code perClaim} on the test's clock (a loaded claims table). */
  private IdempotencyStore claimsTaking(IdempotencyStore claims, Duration perClaim) {
    return new IdempotencyStore() {
      @Override
      public Claim claim(String scope, String key, String eventId, String token, String owner, ShardLease lease) {
        clock.advance(perClaim);
        return claims.claim(scope, key, eventId, token, owner, lease);
      }

      @Override
      public boolean reattempt(String scope, String key, String token, ShardLease lease) {
        return claims.reattempt(scope, key, token, lease);
      }

      @Override
      public boolean complete(String scope, String key, String token, String detail) {
        return claims.complete(scope, key, token, detail);
      }

      @Override
      public void release(String scope, String key, String token) {
        claims.release(scope, key, token);
      }
    };
  }
}
