package dev.shopstream.pipeline.dlq;

/**
 * Where records that cannot be handled are parked. A queue that throws has not taken the record:
 * the shard does not move past it.
 */
public interface DeadLetterQueue {
  void park(DeadLetter letter);
}
