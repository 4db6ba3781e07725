package dev.shopstream.pipeline.kcl;

/** What to do when a shard's checkpoint has fallen behind the stream's trim horizon. */
public enum TrimmedDataPolicy {
  /**
   * The default, deliberately: the records are already gone, and holding would let more of them age
   * out. Log an error with the shard and the gap, count it, and go on from the oldest record kept.
   */
  SKIP_TO_TRIM_HORIZON,
  /** Stop the shard (KCL retries forever) until an operator decides; the loss grows meanwhile. */
  HOLD,
  /**
   * As SKIP_TO_TRIM_HORIZON, and the analytics sink is repaired: the items changed since the shard was last
   * handled are published as state events from incremental exports (SHOP_GAP_REPAIR_BUCKET), in the
   * background. Emails and waitlist notices of the lost changes stay lost (their moment has passed).
   */
  REPAIR
}
