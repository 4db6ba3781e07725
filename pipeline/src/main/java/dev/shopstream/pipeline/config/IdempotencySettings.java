package dev.shopstream.pipeline.config;

import java.time.Duration;
import java.util.Objects;

/** Where effect claims live and how long they count. */
public record IdempotencySettings(String table, Duration claimTimeout, Duration retention) {
  public IdempotencySettings {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(claimTimeout, "claimTimeout");
    Objects.requireNonNull(retention, "retention");
  }
}
