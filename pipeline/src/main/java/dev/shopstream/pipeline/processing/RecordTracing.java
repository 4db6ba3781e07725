package dev.shopstream.pipeline.processing;

import dev.shopstream.pipeline.stream.ChangeRecord;

/**
 * A span per stream record, current on the record's thread while it is handled (docs/observability.md,
 * Tracing). {@link #OFF} returns one shared no-op: the untraced path creates nothing per record.
 */
public interface RecordTracing {
  RecordTracing OFF = record -> RecordSpan.NONE;

  RecordSpan start(ChangeRecord record);

  /** The record's span. */
  interface RecordSpan {
    RecordSpan NONE = outcome -> { };

    /** Ends the span (no longer current), noting how the record's handling ended. */
    void end(String outcome);
  }
}
