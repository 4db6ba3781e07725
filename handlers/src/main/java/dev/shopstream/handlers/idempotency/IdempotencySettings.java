package dev.shopstream.handlers.idempotency;

import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.time.Duration;

/**
 * Where effect claims live and how long they count: the keys of the claims table, declared here.
 *
 * @param effectWindow how long after its claim an effect can land: the effect clients' call timeout plus the
 *     start grace (never longer than the claim timeout, checked when the configuration is read)
 */
public record IdempotencySettings(String table, Duration claimTimeout, Duration retention, EffectWindow effectWindow) {
  public static final Setting<String> TABLE = Setting.text("SHOP_IDEMPOTENCY_TABLE", "shop-stream-idempotency",
      Rule.pattern("[A-Za-z0-9_.-]{3,255}", "a DynamoDB table name"),
      "DynamoDB table of effect claims (string key 'id', TTL on 'expiresAt').");
  public static final Setting<Duration> CLAIM_TIMEOUT = Setting.seconds("SHOP_IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS",
      120, 1, 3600,
      "After this long an in-progress claim is stale (its worker presumed dead) and its effect is tried again. At "
          + "least the effect window (SHOP_EFFECT_START_GRACE_MILLIS plus SHOP_EFFECT_CALL_TIMEOUT_MILLIS).");
  public static final Setting<Duration> EFFECT_CALL_TIMEOUT = Setting.millis("SHOP_EFFECT_CALL_TIMEOUT_MILLIS",
      30_000, 1000, 300_000,
      "API call timeout of every effect call (SES send, SNS publish), which the SDK never retries. With the start "
          + "grace it makes the effect window: a newer holder of a shard lease takes an older holder's in-progress "
          + "claim over only once this window has passed since the claim, so an effect still on the wire is never "
          + "repeated.");
  public static final Setting<Duration> EFFECT_START_GRACE = Setting.millis("SHOP_EFFECT_START_GRACE_MILLIS",
      10_000, 200, 60_000,
      "How long after its claim an effect call may still start (the lease is checked again right before it); a batch "
          + "of claims goes out in one call once half of this has passed since its first claim. Also absorbs small "
          + "clock differences between workers. Part of the effect window.");
  public static final Setting<Duration> RETENTION = Setting.hours("SHOP_IDEMPOTENCY_RETENTION_HOURS", 168, 25, 8760,
      "How long completed claims are kept (longer than the stream's 24 h so replays stay deduplicated).");

  /** Reads this slice, reporting a claim timeout shorter than the effect window. */
  public static IdempotencySettings read(SettingValues values) {
    EffectWindow window = new EffectWindow(values.get(EFFECT_START_GRACE), values.get(EFFECT_CALL_TIMEOUT));
    Duration claimTimeout = values.get(CLAIM_TIMEOUT);
    values.check(claimTimeout.compareTo(window.length()) >= 0, CLAIM_TIMEOUT.envName() + " (" + claimTimeout.toSeconds()
        + " s) must be at least the effect window (" + window.length().toMillis() + " ms: "
        + EFFECT_START_GRACE.envName() + " plus " + EFFECT_CALL_TIMEOUT.envName() + "): a claim must not go stale "
        + "while its effect can still land");
    return new IdempotencySettings(values.get(TABLE), claimTimeout, values.get(RETENTION), window);
  }
}
