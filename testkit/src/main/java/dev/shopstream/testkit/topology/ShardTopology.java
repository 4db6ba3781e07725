package dev.shopstream.testkit.topology;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The virtual shards of one stream, in creation order (parents before children, as DescribeStream
 * lists them). Starts with N open shards splitting the hash space evenly; closing a shard fixes its
 * end at a stream position and opens one child (rollover) or two (split) over its hash range.
 */
final class ShardTopology {
  private final Map<String, VirtualShard> shards = new LinkedHashMap<>();
  private final AtomicLong created = new AtomicLong(System.currentTimeMillis());

  ShardTopology(int initialShards, BigInteger firstSequence) {
    BigInteger before = firstSequence.subtract(BigInteger.ONE);
    if (initialShards < 1 || initialShards > 64) {
      throw new IllegalArgumentException("shards must be 1..64, was " + initialShards);
    }
    long width = StreamRecordLog.HASH_SPACE / initialShards;
    for (int i = 0; i < initialShards; i++) {
      long to = i == initialShards - 1 ? StreamRecordLog.HASH_SPACE : (i + 1) * width;
      add(new VirtualShard(newId(), null, i * width, to, before, firstSequence, null, null));
    }
  }

  synchronized List<VirtualShard> all() {
    return new ArrayList<>(shards.values());
  }

  synchronized Optional<VirtualShard> find(String id) {
    return Optional.ofNullable(shards.get(id));
  }

  synchronized List<VirtualShard> open() {
    return shards.values().stream().filter(s -> !s.closed()).toList();
  }

  synchronized List<VirtualShard> children(String parentId) {
    return shards.values().stream().filter(s -> parentId.equals(s.parentId())).toList();
  }

  /**
   * Closes an open shard after position {@code through} (its last record; later records of its keys
   * go to the children) and opens {@code children} (1 or 2) over its hash range. Returns the children.
   */
  synchronized List<VirtualShard> close(String id, BigInteger through, int children) {
    VirtualShard parent = shards.get(id);
    if (parent == null || parent.closed()) {
      throw new IllegalArgumentException("no open shard " + id);
    }
    shards.put(id, parent.close(through));
    BigInteger start = through.add(BigInteger.ONE);
    List<VirtualShard> opened = new ArrayList<>();
    long middle = parent.hashFrom() + (parent.hashTo() - parent.hashFrom()) / 2;
    if (children == 1) {
      opened.add(new VirtualShard(newId(), id, parent.hashFrom(), parent.hashTo(), through, start, null, null));
    } else {
      opened.add(new VirtualShard(newId(), id, parent.hashFrom(), middle, through, start, null, null));
      opened.add(new VirtualShard(newId(), id, middle, parent.hashTo(), through, start, null, null));
    }
    opened.forEach(this::add);
    return opened;
  }

  synchronized void trim(String id, BigInteger through) {
    VirtualShard shard = shards.get(id);
    if (shard == null) {
      throw new IllegalArgumentException("no shard " + id);
    }
    shards.put(id, shard.trim(through));
  }

  private void add(VirtualShard shard) {
    shards.put(shard.id(), shard);
  }

  /** Shard ids in DynamoDB's shape: shardId-&lt;20 digits&gt;-&lt;8 hex&gt;. */
  private String newId() {
    long stamp = created.incrementAndGet();
    return String.format("shardId-%020d-%08x", stamp, (int) (stamp * 2654435761L));
  }
}
