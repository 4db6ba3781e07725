package dev.shopstream.pipeline.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where effect claims live and how long they count.
 *
 * @param sesEventsQueueUrl the queue of SES send events (the email handler's reconciliation source), or null
 * @param sesEventsSettle how long after a send its event is sure to have arrived
 */
public record IdempotencySettings(String table, Duration claimTimeout, Duration retention, String sesEventsQueueUrl,
    Duration sesEventsSettle) {
  public IdempotencySettings(String table, Duration claimTimeout, Duration retention) {
    this(table, claimTimeout, retention, null, Duration.ofSeconds(60));
  }

  public IdempotencySettings {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(claimTimeout, "claimTimeout");
    Objects.requireNonNull(retention, "retention");
  }
}
