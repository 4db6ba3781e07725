package dev.shopstream.pipeline.config;

import java.util.Objects;

/**
 * What the worker does when a shard's checkpoint is past the stream's retention (the records there are gone).
 *
 * @param repairBucket where the REPAIR policy's incremental exports and pending repairs go (empty otherwise)
 * @param repairPrefix the key prefix in that bucket
 */
public record TrimmedDataSettings(TrimmedDataPolicy policy, String repairBucket, String repairPrefix) {
  /** The handler whose sink the REPAIR policy repairs. */
  public static final String REPAIRED_HANDLER = "analytics";

  public TrimmedDataSettings {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(repairBucket, "repairBucket");
    Objects.requireNonNull(repairPrefix, "repairPrefix");
  }

  public boolean repairs() {
    return policy == TrimmedDataPolicy.REPAIR;
  }
}
