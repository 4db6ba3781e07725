package dev.shopstream.pipeline.dlq;

/**
 * Where dead letters too large for an SQS message are kept whole (claim check): the message then
 * carries the object's location. Objects live under {@value #PREFIX}.
 */
public interface OverflowStore {
  String PREFIX = "dead-letters/";

  /** Stores {@code body} under {@code key} (below {@link #PREFIX}); @return where it is */
  RecordLocation put(String key, String body);

  /** @throws IllegalStateException naming the object when it is not there */
  String get(RecordLocation location);

  void delete(RecordLocation location);
}
