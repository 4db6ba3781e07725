package dev.shopstream.handlers.testing;

import dev.shopstream.handlers.idempotency.Claim;
import dev.shopstream.handlers.idempotency.IdempotencyStore;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Claims in memory, with no staleness: enough for handler unit tests. */
public final class MemoryIdempotencyStore implements IdempotencyStore {
  private final Map<String, String> completed = new ConcurrentHashMap<>();
  private final Map<String, String> inProgress = new ConcurrentHashMap<>();

  @Override
  public Claim claim(String scope, String key, String eventId) {
    String id = scope + "#" + key;
    if (completed.containsKey(id)) {
      return new Claim.Completed(completed.get(id), Instant.EPOCH);
    }
    if (inProgress.putIfAbsent(id, eventId) != null) {
      return new Claim.HeldElsewhere(Instant.MAX);
    }
    return new Claim.Acquired(false);
  }

  @Override
  public void complete(String scope, String key, String detail) {
    String id = scope + "#" + key;
    inProgress.remove(id);
    completed.put(id, detail);
  }

  @Override
  public void release(String scope, String key) {
    inProgress.remove(scope + "#" + key);
  }

  /** Simulates another attempt holding a claim. */
  public void holdElsewhere(String scope, String key) {
    inProgress.put(scope + "#" + key, "elsewhere");
  }

  public Map<String, String> completed() {
    return completed;
  }

  public Map<String, String> inProgress() {
    return inProgress;
  }
}
