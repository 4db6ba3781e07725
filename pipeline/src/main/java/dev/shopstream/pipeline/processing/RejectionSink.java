package dev.shopstream.pipeline.processing;

/**
 * Where rejected records go. A sink that throws has not taken the record: the shard does not
 * move past it.
 */
public interface RejectionSink {
  void reject(Rejection rejection);
}
