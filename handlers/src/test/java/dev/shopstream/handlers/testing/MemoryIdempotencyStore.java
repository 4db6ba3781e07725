package dev.shopstream.handlers.testing;

import dev.shopstream.handlers.idempotency.Claim;
import dev.shopstream.handlers.idempotency.IdempotencyStore;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims in memory for handler unit tests: tokens, owners and leases as the DynamoDB store keeps them;
 * staleness only on request ({@link #makeStale}). {@link #failCompletions} makes complete throw.
 */
public final class MemoryIdempotencyStore implements IdempotencyStore {
  private record Held(String token, String owner, String lease, boolean stale) {}

  private final Map<String, String> completed = new ConcurrentHashMap<>();
  private final Map<String, Held> inProgress = new ConcurrentHashMap<>();
  private final AtomicInteger failingCompletions = new AtomicInteger();
  public final AtomicInteger completeCalls = new AtomicInteger();

  @Override
  public synchronized Claim claim(String scope, String key, String eventId, String token, String owner, String lease) {
    String id = scope + "#" + key;
    if (completed.containsKey(id)) {
      return new Claim.Completed(completed.get(id), Instant.EPOCH);
    }
    Held held = inProgress.get(id);
    if (held != null && !held.stale() && !(lease != null && lease.equals(held.lease()) && !owner.equals(held.owner()))) {
      return owner.equals(held.owner()) ? new Claim.HeldByMe(held.token(), Instant.EPOCH, Instant.MAX)
          : new Claim.HeldElsewhere(Instant.MAX);
    }
    inProgress.put(id, new Held(token, owner, lease, false));
    return new Claim.Acquired(token, held == null ? null
        : new Claim.Previous(held.owner(), held.token(), held.lease(), Instant.EPOCH, held.stale()));
  }

  @Override
  public synchronized boolean complete(String scope, String key, String token, String detail) {
    completeCalls.incrementAndGet();
    if (failingCompletions.get() > 0) {
      failingCompletions.decrementAndGet();
      throw dev.shopstream.handlers.EffectFailure.retryable("claims table unavailable", null);
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
    inProgress.put(scope + "#" + key, new Held("elsewhere", "another-worker", null, false));
  }

  /** The next {@code count} completions fail (retryably). */
  public void failCompletions(int count) {
    failingCompletions.set(count);
  }

  /** The claim's holder is presumed dead from now on. */
  public synchronized void makeStale(String scope, String key) {
    inProgress.computeIfPresent(scope + "#" + key, (id, held) -> new Held(held.token(), held.owner(), held.lease(), true));
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
