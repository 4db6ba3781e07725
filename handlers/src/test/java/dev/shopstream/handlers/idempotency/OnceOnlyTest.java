package dev.shopstream.handlers.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.testing.Events;
import dev.shopstream.local.ManualClock;
import dev.shopstream.handlers.testing.MemoryIdempotencyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The claim protocol's decisions, on an in-memory store. */
class OnceOnlyTest {
  private static final String LEASE = "app/shardId-1";
  private final MemoryIdempotencyStore store = new MemoryIdempotencyStore();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
  private final List<ClaimTicket> runs = new ArrayList<>();
  private final DomainEvent event = Events.restock("lamp", "Desk lamp");

  private OnceOnly worker(String owner, Reconciliation reconciliation) {
    return new OnceOnly(store, owner, source -> LEASE, reconciliation, clock);
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
  void anotherOwnersClaimUnderALeaseWeHoldNowIsTakenOverAtOnceButNotUnderAnotherLease() {
    store.claim("s", "k", "e", "dead#1", "dead-worker", LEASE);
    store.claim("s", "other", "e", "live#1", "live-worker", "app/shardId-2");

    assertThat(worker("b", Reconciliation.NONE).run("s", "k", event, this::effect).ranNow()).isTrue();
    assertThatThrownBy(() -> worker("b", Reconciliation.NONE).run("s", "other", event, this::effect))
        .hasMessageContaining("another attempt");
    assertThat(runs).hasSize(1);
  }

  @Test
  void aTakeoverWhoseEffectTheProviderRecordedIsCompletedWithoutRunningIt() {
    store.claim("s", "k", "e", "dead#1", "dead-worker", LEASE);
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
    OnceOnly.Outcome outcome = worker("b", accepted).run("s", "k", event, this::effect);
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
}
