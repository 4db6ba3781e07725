package dev.shopstream.pipeline.config;

/** What to do when a shard's checkpoint has fallen behind the stream's trim horizon. */
public enum TrimmedDataPolicy {
  /**
   * The default, deliberately: the records are already gone, and holding would let more of them age
   * out. Log an error with the shard and the gap, count it, and go on from the oldest record kept.
   */
  SKIP_TO_TRIM_HORIZON,
  /** Stop the shard (KCL retries forever) until an operator decides; the loss grows meanwhile. */
  HOLD
}
