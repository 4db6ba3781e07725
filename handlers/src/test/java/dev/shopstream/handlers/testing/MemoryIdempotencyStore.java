package dev.shopstream.handlers.testing;

import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.idempotency.Claim;
import dev.shopstream.handlers.idempotency.EffectWindow;
import dev.shopstream.handlers.idempotency.IdempotencyStore;
import dev.shopstream.handlers.idempotency.ShardLease;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims in memory for handler unit tests, with the DynamoDB store's rules: tokens, owners, leases and
 * epochs; a newer epoch of the same lease takes over once the older attempt's effect window has passed, an
 * older one is superseded. Staleness only on request ({@link #makeStale}); {@link #failCompletions} makes
 * complete throw. DynamoIdempotencyStoreTest holds the real store to the same rules.
 */
public final class MemoryIdempotencyStore implements IdempotencyStore {
  private record Held(String token, String owner, ShardLease lease, Instant attemptAt, Instant effectEndsBy,
      boolean stale) {}

  private final Map<String, String> completed = new ConcurrentHashMap<>();
  private final Map<String, Held> inProgress = new ConcurrentHashMap<>();
  private final AtomicInteger failingCompletions = new AtomicInteger();
  private final Clock clock;
  private final EffectWindow window = EffectWindow.DEFAULT;
  public final AtomicInteger completeCalls = new AtomicInteger();

  public MemoryIdempotencyStore() {
    this(Clock.systemUTC());
  }

  public MemoryIdempotencyStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Claim claim(String scope, String key, String eventId, String token, String owner,
      ShardLease lease) {
    String id = scope + "#" + key;
    Instant now = clock.instant();
    if (completed.containsKey(id)) {
      return new Claim.Completed(completed.get(id), Instant.EPOCH);
    }
    Held held = inProgress.get(id);
    boolean sameLease = held != null && lease != null && held.lease() != null
        && lease.name().equals(held.lease().name());
    if (sameLease && held.lease().epoch() > lease.epoch()) {
      return new Claim.Superseded(held.lease().epoch());
    }
    if (held != null && !held.stale()) {
      boolean olderDone = sameLease && held.lease().epoch() < lease.epoch() && held.effectEndsBy().isBefore(now);
      if (!olderDone) {
        return owner.equals(held.owner()) ? new Claim.HeldByMe(held.token(), held.attemptAt(), Instant.MAX)
            : new Claim.HeldElsewhere(sameLease && held.lease().epoch() < lease.epoch()
                ? held.effectEndsBy() : Instant.MAX);
      }
    }
    // a takeover keeps the earlier attempt's time (it has attempted nothing yet), as the DynamoDB store does
    inProgress.put(id, new Held(token, owner, lease, held == null ? now : held.attemptAt(), now.plus(window.length()),
        false));
    return new Claim.Acquired(token, held == null ? null
        : new Claim.Previous(held.owner(), held.token(), held.lease(), held.attemptAt(), held.stale()));
  }

  @Override
  public synchronized boolean reattempt(String scope, String key, String token, ShardLease lease) {
    Held held = inProgress.get(scope + "#" + key);
    if (held == null || !held.token().equals(token)) {
      return false;
    }
    Instant now = clock.instant();
    inProgress.put(scope + "#" + key, new Held(token, held.owner(), lease, now, now.plus(window.length()), false));
    return true;
  }

  @Override
  public synchronized boolean complete(String scope, String key, String token, String detail) {
    completeCalls.incrementAndGet();
    if (failingCompletions.get() > 0) {
      failingCompletions.decrementAndGet();
      throw EffectFailure.retryable("claims table unavailable", null);
    }
    String id = scope + "#" + key;
    Held held = inProgress.get(id);
    if (held == null || !held.token().equals(token)) {
      return false;
    }
    inProgress.remove(id);
    completed.put(id, detail);
    return true;
  }

  @Override
  public synchronized void release(String scope, String key, String token) {
    inProgress.computeIfPresent(scope + "#" + key, (id, held) -> held.token().equals(token) ? null : held);
  }

  /** Simulates another attempt holding a claim. */
  public void holdElsewhere(String scope, String key) {
    Instant now = clock.instant();
    inProgress.put(scope + "#" + key, new Held("elsewhere", "another-worker", null, now, now.plus(window.length()),
        false));
  }

  /** The next {@code count} completions fail (retryably). */
  public void failCompletions(int count) {
    failingCompletions.set(count);
  }

  /** The claim's holder is presumed dead from now on. */
  public synchronized void makeStale(String scope, String key) {
    inProgress.computeIfPresent(scope + "#" + key,
        (id, held) -> new Held(held.token(), held.owner(), held.lease(), held.attemptAt(), held.effectEndsBy(), true));
  }

  public Map<String, String> completed() {
    return completed;
  }

  public Map<String, String> inProgress() {
    Map<String, String> view = new ConcurrentHashMap<>();
    inProgress.forEach((id, held) -> view.put(id, held.owner()));
    return view;
  }
}
