package dev.shopstream.testkit.topology;

import java.math.BigInteger;

/**
 * One shard as the proxy presents it: a hash-key range of the table's partition keys, the stream
 * positions it covers (after {@code startAfter}, through {@code endThrough} once closed), its parent,
 * and a trim horizon (records at or before it are gone, as past the 24 h retention).
 */
record VirtualShard(String id, String parentId, long hashFrom, long hashTo, BigInteger startAfter,
    BigInteger startingSequence, BigInteger endThrough, BigInteger trimmedThrough) {

  boolean closed() {
    return endThrough != null;
  }

  VirtualShard close(BigInteger through) {
    return new VirtualShard(id, parentId, hashFrom, hashTo, startAfter, startingSequence, through, trimmedThrough);
  }

  VirtualShard trim(BigInteger through) {
    return new VirtualShard(id, parentId, hashFrom, hashTo, startAfter, startingSequence, endThrough, through);
  }

  /** The oldest position still readable: after the start, or after the trim horizon if that is later. */
  BigInteger horizon() {
    if (trimmedThrough == null) {
      return startAfter;
    }
    return startAfter == null || trimmedThrough.compareTo(startAfter) > 0 ? trimmedThrough : startAfter;
  }
}
