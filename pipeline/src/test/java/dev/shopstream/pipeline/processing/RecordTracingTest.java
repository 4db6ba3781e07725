package dev.shopstream.pipeline.processing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.handlers.tracing.Tracing;
import dev.shopstream.pipeline.stream.ChangeRecord;
import dev.shopstream.pipeline.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** Tracing off (the default) makes nothing per record: one shared no-op for every record and every handler span. */
class RecordTracingTest {
  @Test
  void theDisabledPathHandsOutOneSharedNoOp() {
    ChangeRecord first = ChangeRecord.of(Fixtures.record(FIXTURE), "shop", "s-1");
    ChangeRecord second = ChangeRecord.of(Fixtures.record(FIXTURE), "shop", "s-2");
    assertThat(RecordTracing.OFF.start(first)).isSameAs(RecordTracing.OFF.start(second))
        .isSameAs(RecordTracing.RecordSpan.NONE);
    Tracing.Span span = Tracing.OFF.producer("publish analytics", "messaging.system", "aws_sns");
    assertThat(span).isSameAs(Tracing.Span.NONE);
    assertThat(span.traceparent()).isNull();
  }

  private static final String FIXTURE = "order-insert.json";
}
