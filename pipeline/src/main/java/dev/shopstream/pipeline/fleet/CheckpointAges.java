package dev.shopstream.pipeline.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Since when each shard's checkpoint stands where it is. A checkpoint seen for the first time dates from
 * when its holder last reported checkpointing (when it did), else from that read: so the age is exact
 * for a reported shard and a lower bound otherwise.
 */
final class CheckpointAges {
  private record Since(String checkpoint, Instant at) {}

  private final Map<String, Since> since = new HashMap<>();

  synchronized Duration age(String shardId, String checkpoint, Instant reportedCheckpointAt, Instant now) {
    Since last = since.get(shardId);
    if (last == null || !last.checkpoint().equals(checkpoint)) {
      Instant at = last == null && reportedCheckpointAt != null && !reportedCheckpointAt.isAfter(now)
          ? reportedCheckpointAt : now;
      last = new Since(checkpoint, at);
      since.put(shardId, last);
    }
    return Duration.between(last.at(), now);
  }

  synchronized void keepOnly(Set<String> shardIds) {
    since.keySet().retainAll(shardIds);
  }
}
