package dev.shopstream.pipeline.kcl;

import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;

/**
 * What the worker does when a shard's checkpoint is past the stream's retention (the records there are gone).
 *
 * @param repairBucket where the REPAIR policy's incremental exports and pending repairs go (empty otherwise)
 * @param repairPrefix the key prefix in that bucket
 */
public record TrimmedDataSettings(TrimmedDataPolicy policy, String repairBucket, String repairPrefix) {
  public static final Setting<TrimmedDataPolicy> POLICY = Setting.choice("SHOP_TRIMMED_DATA_POLICY",
      TrimmedDataPolicy.SKIP_TO_TRIM_HORIZON,
      "When a checkpoint is older than the stream's 24 h retention: SKIP_TO_TRIM_HORIZON (log the loss, count it, go "
          + "on from the oldest record kept), HOLD (stop the shard until an operator acts) or REPAIR (as "
          + "SKIP_TO_TRIM_HORIZON, and the analytics sink is repaired in the background: the items changed since the "
          + "shard was last handled are published as state events from incremental exports into "
          + "SHOP_GAP_REPAIR_BUCKET; needs the analytics handler, point-in-time recovery on the table and that "
          + "bucket; docs/operations.md, Gap repair). Emails and notices of the lost changes are not sent under any "
          + "policy.");
  public static final Setting<String> GAP_REPAIR_BUCKET = Setting.text("SHOP_GAP_REPAIR_BUCKET", "",
      Rule.pattern("|[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "an S3 bucket name: 3-63 lower-case letters, digits, '.', '-'"),
      "S3 bucket of the REPAIR policy: its incremental exports, and the repairs still to do (a worker that stops "
          + "mid-repair leaves them for the next). Required with SHOP_TRIMMED_DATA_POLICY=REPAIR, unused otherwise.");
  public static final Setting<String> GAP_REPAIR_PREFIX = Setting.text("SHOP_GAP_REPAIR_PREFIX", "shop-stream-repairs",
      Rule.pattern("[A-Za-z0-9_.-]{1,100}", "1-100 letters, digits, '_', '-', '.'"),
      "Key prefix in SHOP_GAP_REPAIR_BUCKET under which the REPAIR policy keeps its exports and pending repairs (per "
          + "application: <prefix>/<application>/).");

  /** The handler whose sink the REPAIR policy repairs. */
  public static final String REPAIRED_HANDLER = "analytics";

  /** Reads this slice, reporting REPAIR without its bucket (the handler it needs is checked with the handlers). */
  public static TrimmedDataSettings read(SettingValues values) {
    TrimmedDataPolicy policy = values.get(POLICY);
    String bucket = values.get(GAP_REPAIR_BUCKET);
    values.check(policy != TrimmedDataPolicy.REPAIR || !bucket.isEmpty(), POLICY.envName() + "=REPAIR needs "
        + GAP_REPAIR_BUCKET.envName() + ": the S3 bucket its incremental exports go to");
    return new TrimmedDataSettings(policy, bucket, values.get(GAP_REPAIR_PREFIX));
  }

  public boolean repairs() {
    return policy == TrimmedDataPolicy.REPAIR;
  }
}
