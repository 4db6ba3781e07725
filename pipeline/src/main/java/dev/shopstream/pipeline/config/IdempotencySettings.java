package dev.shopstream.pipeline.config;

import dev.shopstream.handlers.idempotency.EffectWindow;
import java.time.Duration;
import java.util.Objects;

/**
 * Where effect claims live and how long they count.
 *
 * @param effectWindow how long after its claim an effect can land: the effect clients' call timeout plus the
 *     start grace (never longer than the claim timeout, checked when the configuration is read)
 */
public record IdempotencySettings(String table, Duration claimTimeout, Duration retention, EffectWindow effectWindow) {
  public IdempotencySettings {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(claimTimeout, "claimTimeout");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(effectWindow, "effectWindow");
  }
}
