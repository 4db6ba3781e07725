package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/** The pipeline's counters, on an injected Micrometer registry. */
public final class PipelineMetrics {
  private final MeterRegistry registry;

  public PipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String outcome) {
    Counter.builder("shop.stream.records").description("Stream records handled, by outcome")
        .tag("outcome", outcome).register(registry).increment();
  }

  public void event(EventType type) {
    Counter.builder("shop.events").description("Domain events derived, by type")
        .tag("type", type.wireName()).register(registry).increment();
  }

  public void handlerResult(String handler, String result) {
    Counter.builder("shop.handler.results").description("Handler calls, by handler and result")
        .tag("handler", handler).tag("result", result).register(registry).increment();
  }

  /** Times a handler call, retries included, in {@code shop.handler.latency}. */
  public <T> T timeHandler(String handler, java.util.function.Supplier<T> call) {
    return Timer.builder("shop.handler.latency").description("Handler call duration, retries included")
        .tag("handler", handler).publishPercentileHistogram().register(registry).record(call);
  }

  /**
   * A handler's effect completed {@code latency} after its record was written (DynamoDB's
   * ApproximateCreationDateTime to now), in {@code shop.write.to.effect}: what a customer waits.
   */
  public void writeToEffect(String handler, Duration latency) {
    try {
      writeToEffectTimer(handler).record(latency.isNegative() ? Duration.ZERO : latency);
    } catch (RuntimeException e) {
      // called once the effect is done: a meter failing must never make it look failed (and be repeated)
      LoggerFactory.getLogger(PipelineMetrics.class).debug("write-to-effect latency not recorded: {}", e.toString());
    }
  }

  private Timer writeToEffectTimer(String handler) {
    return Timer.builder("shop.write.to.effect")
        .description("From the record's write (ApproximateCreationDateTime) to the handler's effect done, retries and waits included")
        .tag("handler", handler).serviceLevelObjectives(WRITE_TO_EFFECT_BUCKETS).register(registry);
  }

  /**
   * The write-to-effect histogram's buckets: 10 ms to 10 min, each 10 % above the last (116 of them), so a
   * quantile read from it (histogram_quantile) is within 10 % of the true one. Micrometer's own percentile
   * buckets are up to a third apart at the seconds a backlog takes: p99 came out 12-14 % high in the bench.
   */
  static final Duration[] WRITE_TO_EFFECT_BUCKETS = buckets(Duration.ofMillis(10), Duration.ofMinutes(10), 1.1);

  private static Duration[] buckets(Duration from, Duration to, double factor) {
    java.util.List<Duration> bounds = new java.util.ArrayList<>();
    for (double nanos = from.toNanos(); nanos <= to.toNanos(); nanos *= factor) {
      bounds.add(Duration.ofNanos(Math.round(nanos)));
    }
    return bounds.toArray(Duration[]::new);
  }

  public void retry(String handler) {
    Counter.builder("shop.handler.retries").description("Handler call attempts retried").tag("handler", handler)
        .register(registry).increment();
  }

  /**
   * Registers the alarmed counters at 0 before anything happens: a metrics agent publishes a counter's
   * increase only from its second scrape on, so a counter born at its first increment would hide that one.
   */
  public void registerAlarmed(Iterable<String> handlers, Iterable<String> deadLetterKinds) {
    handlers.forEach(this::systemicFailures);
    deadLetterKinds.forEach(this::deadLetters);
  }

  /** A handler call failed for a systemic reason (access denied, a resource gone): alarm on any. */
  public void systemicFailure(String handler) {
    systemicFailures(handler).increment();
  }

  private Counter systemicFailures(String handler) {
    return Counter.builder("shop.handler.systemic.failures")
        .description("Handler calls failing for a reason of setup, not of the event (held, not dead-lettered)")
        .tag("handler", handler).register(registry);
  }

  public void deadLetter(String kind) {
    deadLetters(kind).increment();
  }

  private Counter deadLetters(String kind) {
    return Counter.builder("shop.dlq.writes").description("Records parked in the dead-letter queue, by kind")
        .tag("kind", kind).register(registry);
  }

  public void checkpoint() {
    Counter.builder("shop.checkpoints").description("Checkpoints written").register(registry).increment();
  }

  public MeterRegistry registry() {
    return registry;
  }
}
