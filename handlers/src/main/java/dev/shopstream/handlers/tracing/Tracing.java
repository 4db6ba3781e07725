package dev.shopstream.handlers.tracing;

/**
 * What a handler sees of tracing (docs/observability.md, Tracing): a span of its own under the record
 * being handled, and that span's W3C trace context to pass on in what it publishes. The worker's
 * implementation sits on OpenTelemetry; handlers never see it. {@link #OFF}, the default, creates nothing.
 */
public interface Tracing {
  /** The W3C Trace Context header, message attribute and CloudEvents extension name. */
  String TRACEPARENT = "traceparent";

  /** Tracing off: no spans, no context. */
  Tracing OFF = (name, attributes) -> Span.NONE;

  /**
   * Starts a producer span named {@code name} as a child of the record's span on this thread, current on
   * this thread until closed.
   *
   * @param attributes name, value, name, value...
   * @return {@link Span#NONE} when tracing is off or no record's span runs on this thread
   */
  Span producer(String name, String... attributes);

  /** One span; closing it ends it. */
  interface Span extends AutoCloseable {
    /** Nothing traced. */
    Span NONE = new Span() {
      @Override
      public String traceparent() {
        return null;
      }

      @Override
      public void failed(Throwable error) {
      }

      @Override
      public void close() {
      }
    };

    /** This span's context as a W3C {@code traceparent} value; null for {@link #NONE}. */
    String traceparent();

    /** Marks the span as failed with {@code error}. */
    void failed(Throwable error);

    @Override
    void close();
  }
}
