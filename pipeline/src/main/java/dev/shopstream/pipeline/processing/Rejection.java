package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.EventSource;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * A stream record that could not be turned into events, kept whole with the reason, so that it can
 * be inspected, fixed and redriven.
 */
public record Rejection(EventSource source, Record record, String reason, Instant rejectedAt) {
  public Rejection {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(rejectedAt, "rejectedAt");
  }
}
