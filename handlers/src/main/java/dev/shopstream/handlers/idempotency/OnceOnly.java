package dev.shopstream.handlers.idempotency;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.handlers.EffectFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one wrapper every once-only effect runs through: claim, run, complete. Skipped when completed
 * before, deferred while another owner holds the claim. The failures in between:
 * <ul>
 *   <li>an effect that failed knowing it had no effect releases the claim (the next attempt claims at once);
 *   <li>an effect whose outcome is unknown ({@link EffectFailure#outcomeUnknown}: a timeout after the
 *       request left) keeps the claim. The next attempt asks the {@link Reconciliation} source: accepted
 *       means completed without running again; not seen once the source's settle time has passed means
 *       run again. Without a source the claim is kept until it goes stale, then taken over and the effect
 *       repeated (at most once per unknown outcome);
 *   <li>an effect done whose completion failed is remembered here (by claim) and the next attempt only
 *       completes it, never runs it again. Nothing here retries or sleeps: the record engine's retry
 *       schedule is the one retry layer.
 * </ul>
 * <p>Fencing: every claim is admitted by the {@link LeaseView} (this worker still holds the record's shard
 * lease, by time, and its work there is not cancelled) and carries that lease with its epoch. Right
 * before the effect call the lease is checked again and the claim must be younger than the
 * {@link EffectWindow}'s start grace, so an effect starts only under a lease held at that moment. A newer
 * holder takes an older holder's in-progress claim over only once the older attempt's effect window has
 * passed; an older holder meeting a newer one's claim stops that shard's work ({@link Claim.Superseded}).
 * What is left is named in {@link EffectWindow}: a request the client abandoned at its timeout that the
 * service still carries out.
 */
public final class OnceOnly {
  private static final Logger LOG = LoggerFactory.getLogger(OnceOnly.class);

  private final IdempotencyStore store;
  private final String owner;
  private final LeaseView leases;
  private final Reconciliation reconciliation;
  private final Clock clock;
  private final EffectWindow window;
  private final AtomicLong attempts = new AtomicLong();
  private final Map<String, Pending> completionPending;
  private final Map<String, Unresolved> unresolved;

  private record Pending(String token, String detail) {}

  private record Unresolved(String token, Instant since) {}

  /** A wrapper with its own owner token, no lease knowledge and no reconciliation source (tests, tools). */
  public OnceOnly(IdempotencyStore store) {
    this(store, newOwnerToken("local"), LeaseView.NONE, Reconciliation.NONE, Clock.systemUTC());
  }

  /** @param owner unique to this worker process ({@link #newOwnerToken}); shared by the process's wrappers */
  public OnceOnly(IdempotencyStore store, String owner, LeaseView leases, Reconciliation reconciliation, Clock clock) {
    this(store, owner, leases, reconciliation, clock, EffectWindow.DEFAULT);
  }

  /** @param window the effect window the store's claims are written with */
  public OnceOnly(IdempotencyStore store, String owner, LeaseView leases, Reconciliation reconciliation, Clock clock,
      EffectWindow window) {
    this(store, owner, leases, reconciliation, clock, window, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
  }

  /** A process-unique owner token: the worker id (for people reading claims) and a random part. */
  public static String newOwnerToken(String workerId) {
    return workerId + "/" + UUID.randomUUID();
  }

  /** This wrapper with another reconciliation source (the email handler's SES send events). */
  public OnceOnly reconciledBy(Reconciliation source) {
    return new OnceOnly(store, owner, leases, source, clock, window, completionPending, unresolved);
  }

  private OnceOnly(IdempotencyStore store, String owner, LeaseView leases, Reconciliation reconciliation, Clock clock,
      EffectWindow window, Map<String, Pending> completionPending, Map<String, Unresolved> unresolved) {
    this.store = store;
    this.owner = owner;
    this.leases = leases;
    this.reconciliation = reconciliation;
    this.clock = clock;
    this.window = window;
    this.completionPending = completionPending;
    this.unresolved = unresolved;
  }

  /** What happened: the effect ran now ({@code ranNow}), or had already been done. */
  public record Outcome(boolean ranNow, String detail) {}

  /**
   * @param effect performs the effect under the ticket (tagging its request with it where it can) and
   *     describes it; an {@link EffectFailure#outcomeUnknown} keeps the claim, any other exception releases it
   * @throws EffectFailure.Deferral while another attempt holds the claim, the outcome of an earlier attempt is
   *     not known yet, or the claim was taken over meanwhile (nothing failed: the record engine counts it as
   *     deferred and tries again on its schedule)
   * @throws EffectFailure retryable while the completion of an effect already done is pending
   */
  public Outcome run(String scope, String key, DomainEvent event, Function<ClaimTicket, String> effect) {
    return run(scope, key, event, () -> { }, effect);
  }

  /**
   * As {@link #run(String, String, DomainEvent, Function)}, with {@code beforeEffect} run once the claim is
   * held and before the last admission check (a send slot to wait for, so nothing but that check stands
   * between the slot and the call). Its time counts against the start grace; if it throws, the claim is
   * released and the exception passes on.
   */
  public Outcome run(String scope, String key, DomainEvent event, Runnable beforeEffect,
      Function<ClaimTicket, String> effect) {
    Admission admission = admit(scope, key, event);
    if (admission instanceof Settled settled) {
      return settled.outcome;
    }
    if (admission instanceof Deferred deferred) {
      throw deferred.toException();
    }
    Run run = (Run) admission;
    ClaimTicket ticket = run.ticket;
    try {
      beforeEffect.run();
      stillAdmitted(event, run.claimedAt);
    } catch (RuntimeException e) {
      releaseQuietly(ticket, e.getMessage());
      throw e;
    }
    String detail;
    try {
      detail = effect.apply(ticket);
    } catch (RuntimeException e) {
      failed(ticket, e);
      throw e;
    }
    return completeAfterEffect(ticket, detail);
  }

  /** One item of a batch with its claim ticket. */
  public record Ticketed<T>(T item, ClaimTicket ticket) {}

  /**
   * What a batch call achieved: the items whose effect happened, and those known not to have happened
   * with why (their claims are released). An exception from the call counts for every item of it.
   */
  public record BatchResult<T>(List<T> done, Map<T, String> notDone) {}

  /**
   * The batch as claimed and run: {@code ranNow} (effect done now), {@code alreadyDone} (done before),
   * {@code deferred} (another attempt holds it, its outcome is not known yet, its completion is pending,
   * or it failed) with the reasons in {@code problems}.
   */
  public record BatchOutcome<T>(List<T> ranNow, List<T> alreadyDone, List<T> deferred, List<String> problems) {}

  /**
   * The batch form of {@link #run}: claims the items one by one and makes one call for the items it may
   * run, then completes or releases each by the call's result. The call must start within the effect
   * window's start grace of its first claim: when claiming gets slow (a loaded claims table), the items
   * claimed by half the grace go out in one call and the rest in further calls, so a batch always makes
   * progress while a single claim fits in the grace.
   *
   * @throws RuntimeException a call's own failure, after the items' claims were kept (outcome unknown) or released
   */
  public <T> BatchOutcome<T> runBatch(String scope, DomainEvent event, List<T> items, Function<T, String> keyOf,
      Function<List<Ticketed<T>>, BatchResult<T>> effect) {
    BatchOutcome<T> outcome = new BatchOutcome<>(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
        new ArrayList<>());
    List<Ticketed<T>> toRun = new ArrayList<>();
    Instant firstClaimAt = null;
    for (T item : items) {
      Admission admission;
      try {
        admission = admit(scope, keyOf.apply(item), event);
      } catch (RuntimeException e) {
        // A claim failed midway, or the lease moved: give back the ones taken for this call (no effect ran).
        toRun.forEach(t -> releaseQuietly(t.ticket(), "the batch was not admitted: " + e.getMessage()));
        throw e;
      }
      if (admission instanceof Settled settled) {
        (settled.outcome.ranNow() ? outcome.ranNow() : outcome.alreadyDone()).add(item);
      } else if (admission instanceof Deferred d) {
        outcome.deferred().add(item);
        outcome.problems().add(d.reason);
      } else {
        Run run = (Run) admission;
        firstClaimAt = firstClaimAt == null ? run.claimedAt : firstClaimAt;
        toRun.add(new Ticketed<>(item, run.ticket));
        if (Duration.between(firstClaimAt, clock.instant()).compareTo(window.startGrace().dividedBy(2)) >= 0) {
          call(event, toRun, firstClaimAt, effect, outcome);
          toRun = new ArrayList<>();
          firstClaimAt = null;
        }
      }
    }
    if (!toRun.isEmpty()) {
      call(event, toRun, firstClaimAt, effect, outcome);
    }
    return outcome;
  }

  /** One call for claimed items, admitted right before it; its results complete or release each claim. */
  private <T> void call(DomainEvent event, List<Ticketed<T>> toRun, Instant firstClaimAt,
      Function<List<Ticketed<T>>, BatchResult<T>> effect, BatchOutcome<T> outcome) {
    try {
      stillAdmitted(event, firstClaimAt);
    } catch (RuntimeException e) {
      toRun.forEach(t -> releaseQuietly(t.ticket(), "the batch was not admitted: " + e.getMessage()));
      throw e;
    }
    BatchResult<T> result;
    try {
      result = effect.apply(toRun);
    } catch (RuntimeException e) {
      toRun.forEach(t -> failed(t.ticket(), e));
      throw e;
    }
    for (Ticketed<T> ticketed : toRun) {
      if (result.done().contains(ticketed.item())) {
        try {
          completeAfterEffect(ticketed.ticket(), "done in a batch for event " + event.eventId());
          outcome.ranNow().add(ticketed.item());
        } catch (EffectFailure pending) {
          outcome.deferred().add(ticketed.item());
          outcome.problems().add(pending.getMessage());
        }
      } else {
        String why = result.notDone().getOrDefault(ticketed.item(), "not in the call's answer");
        releaseQuietly(ticketed.ticket(), why);
        outcome.deferred().add(ticketed.item());
        outcome.problems().add(ticketed.ticket().key() + ": " + why);
      }
    }
  }

  private sealed interface Admission {}

  /** Nothing to run: done before, found done by reconciliation, or a pending completion now done. */
  private record Settled(Outcome outcome) implements Admission {}

  /**
   * Not run now: another attempt's claim decides it for the moment (a {@link EffectFailure.Deferral}), or,
   * with a {@code cause}, the claims store failed to complete an effect already done (a retryable failure).
   */
  private record Deferred(String reason, Throwable cause) implements Admission {
    EffectFailure toException() {
      return cause == null ? EffectFailure.deferred(reason) : EffectFailure.retryable(reason, cause);
    }
  }

  /** Go: the effect runs under {@code ticket}, claimed (or re-attempted) at {@code claimedAt}. */
  private record Run(ClaimTicket ticket, Instant claimedAt) implements Admission {}

  /**
   * Right before the effect call: the lease is still held and the claim young enough that the effect
   * lands inside the window a newer holder waits out.
   */
  private void stillAdmitted(DomainEvent event, Instant claimedAt) {
    leases.admit(event.metadata().source());
    Duration since = Duration.between(claimedAt, clock.instant());
    if (since.compareTo(window.startGrace()) > 0) {
      throw EffectFailure.retryable("the claim is " + since.toMillis() + " ms old, past the effect window's start "
          + "grace of " + window.startGrace().toMillis() + " ms; claiming again", null);
    }
  }

  private Admission admit(String scope, String key, DomainEvent event) {
    String id = scope + "#" + key;
    Pending pending = completionPending.get(id);
    if (pending != null) {
      try {
        return new Settled(completeAfterEffect(new ClaimTicket(scope, key, pending.token()), pending.detail()));
      } catch (EffectFailure stillPending) {
        return new Deferred(stillPending.getMessage(), stillPending.getCause());
      }
    }
    ShardLease lease = leases.admit(event.metadata().source());
    String token = owner + "#" + attempts.incrementAndGet();
    Instant claimedAt = clock.instant();
    Claim claim = store.claim(scope, key, event.eventId(), token, owner, lease);
    if (claim instanceof Claim.Completed completed) {
      return new Settled(new Outcome(false, "already done at " + completed.completedAt() + ": " + completed.detail()));
    }
    if (claim instanceof Claim.Superseded superseded) {
      leases.superseded(event.metadata().source(), lease, superseded.epoch());
      return new Deferred(scope + " " + key + " is claimed under lease " + lease.name() + " by a newer holder (epoch "
          + superseded.epoch() + ", ours " + lease.epoch() + "): this worker stops that shard's work", null);
    }
    if (claim instanceof Claim.HeldElsewhere held) {
      return new Deferred(scope + " " + key + " is being handled by another attempt (until " + held.until() + ")",
          null);
    }
    if (claim instanceof Claim.HeldByMe mine) {
      Unresolved earlier = unresolved.get(id);
      if (earlier == null || !earlier.token().equals(mine.token())) {
        return new Deferred(scope + " " + key + " is held by an earlier attempt of this worker (claim stale at "
            + mine.staleAt() + ")", null);
      }
      // earlier.since: when our own latest attempt failed, or the previous holder's latest attempt we took over
      return reconcile(new ClaimTicket(scope, key, mine.token()), earlier.since(), mine.staleAt(), lease);
    }
    Claim.Acquired acquired = (Claim.Acquired) claim;
    ClaimTicket ticket = new ClaimTicket(scope, key, acquired.token());
    if (acquired.takeover()) {
      Claim.Previous previous = acquired.previous();
      LOG.warn("took over the claim {} {} of {} ({}): an earlier attempt stopped mid-effect{}", scope, key,
          previous.owner(), previous.staleWhenTaken() ? "stale"
              : "an older holder of lease " + previous.lease() + ", its effect window over",
          reconciliation.settleTime() == null ? ", so the effect may be repeated" : "; asking the provider first");
      if (reconciliation.settleTime() != null) {
        return reconcile(ticket, previous.lastAttemptAt() == null ? claimedAt : previous.lastAttemptAt(), null, lease);
      }
      // the claim kept the earlier attempt's time: this one is recorded before it runs
      if (!store.reattempt(scope, key, ticket.token(), lease)) {
        return new Deferred(scope + " " + key + ": the claim was taken over meanwhile", null);
      }
    }
    unresolved.remove(id);
    return new Run(ticket, claimedAt);
  }

  /**
   * An earlier attempt's outcome is unknown: the provider's evidence decides, once it is sure to be there.
   *
   * @param since the start of the latest attempt (the provider's settle time counts from it)
   */
  private Admission reconcile(ClaimTicket ticket, Instant since, Instant staleAt, ShardLease lease) {
    String id = ticket.scope() + "#" + ticket.key();
    // Remembered first: if the lookup itself fails, the next attempt (seeing its own claim) reconciles again.
    unresolved.put(id, new Unresolved(ticket.token(), since));
    Reconciliation.Evidence evidence = reconciliation.lookup(ticket.scope(), ticket.key());
    if (evidence instanceof Reconciliation.Accepted accepted) {
      unresolved.remove(id);
      String detail = accepted.detail() + " (an earlier attempt's, found by reconciliation: not repeated)";
      try {
        completeAfterEffect(ticket, detail);
        return new Settled(new Outcome(false, detail));
      } catch (EffectFailure pending) {
        return new Deferred(pending.getMessage(), pending.getCause());
      }
    }
    Duration settle = reconciliation.settleTime();
    if (settle != null && !clock.instant().isBefore(since.plus(settle))) {
      Instant attemptAt = clock.instant();
      // The new attempt's time goes into the claim first: a crash after this send settles from it, not the first.
      if (!store.reattempt(ticket.scope(), ticket.key(), ticket.token(), lease)) {
        unresolved.remove(id);
        return new Deferred(ticket.scope() + " " + ticket.key() + ": the claim was taken over meanwhile", null);
      }
      unresolved.remove(id);
      return new Run(ticket, attemptAt);
    }
    return new Deferred(ticket.scope() + " " + ticket.key() + ": an earlier attempt's outcome is unknown; "
        + (settle == null ? "its claim is kept until it goes stale" + (staleAt == null ? "" : " at " + staleAt)
            : "waiting for the provider's evidence until " + since.plus(settle)), null);
  }

  private void failed(ClaimTicket ticket, RuntimeException failure) {
    if (EffectFailure.mayHaveTakenEffect(failure)) {
      unresolved.put(ticket.scope() + "#" + ticket.key(), new Unresolved(ticket.token(), clock.instant()));
      LOG.warn("{} {}: outcome unknown, keeping the claim ({})", ticket.scope(), ticket.key(),
          reconciliation.settleTime() == null ? "resolved when it goes stale: the effect may then be repeated"
              : "resolved from the provider's evidence");
    } else {
      releaseQuietly(ticket, failure.toString());
    }
  }

  private Outcome completeAfterEffect(ClaimTicket ticket, String detail) {
    String id = ticket.scope() + "#" + ticket.key();
    boolean ours;
    try {
      ours = store.complete(ticket.scope(), ticket.key(), ticket.token(), detail);
    } catch (RuntimeException e) {
      completionPending.put(id, new Pending(ticket.token(), detail));
      throw EffectFailure.retryable(ticket.scope() + " " + ticket.key() + ": effect done, completion pending (the next "
          + "attempt only completes it): " + e.getMessage(), e);
    }
    completionPending.remove(id);
    if (!ours) {
      LOG.warn("{} {}: effect done, but the claim was taken over meanwhile (this attempt is fenced; the new holder "
          + "decides whether to repeat it)", ticket.scope(), ticket.key());
    }
    return new Outcome(true, detail);
  }

  private void releaseQuietly(ClaimTicket ticket, String why) {
    try {
      store.release(ticket.scope(), ticket.key(), ticket.token());
    } catch (RuntimeException e) {
      LOG.warn("could not release claim {} {} after '{}' (it goes stale by itself): {}", ticket.scope(), ticket.key(),
          why, e.toString());
    }
  }
}
