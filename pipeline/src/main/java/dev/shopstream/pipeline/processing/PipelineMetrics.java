package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's counters, on an injected Micrometer registry. Each meter is registered on its first
 * use and kept: the record path counts several times per record, and building a meter's id and
 * looking it up in the registry each time cost more than the count.
 */
public final class PipelineMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> records = new ConcurrentHashMap<>();
  private final Map<EventType, Counter> events = new ConcurrentHashMap<>();
  private final Map<HandlerResultKey, Counter> handlerResults = new ConcurrentHashMap<>();
  private final Map<String, Timer> handlerLatencies = new ConcurrentHashMap<>();
  private final Map<String, Timer> writeToEffect = new ConcurrentHashMap<>();
  private final Map<String, Counter> retries = new ConcurrentHashMap<>();
  private final Map<String, Counter> systemicFailures = new ConcurrentHashMap<>();
  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  /** Registered at the first checkpoint, as before this class kept its meters. */
  private volatile Counter checkpoints;

  private record HandlerResultKey(String handler, String result) {}

  public PipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String outcome) {
    meter(records, outcome, o -> Counter.builder("shop.stream.records")
        .description("Stream records handled, by outcome").tag("outcome", o).register(registry)).increment();
  }

  public void event(EventType type) {
    meter(events, type, t -> Counter.builder("shop.events").description("Domain events derived, by type")
        .tag("type", t.wireName()).register(registry)).increment();
  }

  public void handlerResult(String handler, String result) {
    meter(handlerResults, new HandlerResultKey(handler, result), key -> Counter.builder("shop.handler.results")
        .description("Handler calls, by handler and result").tag("handler", key.handler()).tag("result", key.result())
        .register(registry)).increment();
  }

  /** Times a handler call, retries included, in {@code shop.handler.latency}. */
  public <T> T timeHandler(String handler, Supplier<T> call) {
    return meter(handlerLatencies, handler, h -> Timer.builder("shop.handler.latency")
        .description("Handler call duration, retries included").tag("handler", h).publishPercentileHistogram()
        .register(registry)).record(call);
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
    return meter(writeToEffect, handler, h -> Timer.builder("shop.write.to.effect")
        .description("From the record's write (ApproximateCreationDateTime) to the handler's effect done, retries "
            + "and waits included")
        .tag("handler", h).serviceLevelObjectives(WRITE_TO_EFFECT_BUCKETS).register(registry));
  }

  /**
   * The write-to-effect histogram's buckets: 10 ms to 10 min, each 10 % above the last (116 of them), so a
   * quantile read from it (histogram_quantile) is within 10 % of the true one. Micrometer's own percentile
   * buckets are up to a third apart at the seconds a backlog takes: p99 came out 12-14 % high in the bench.
   */
  static final Duration[] WRITE_TO_EFFECT_BUCKETS = buckets(Duration.ofMillis(10), Duration.ofMinutes(10), 1.1);

  private static Duration[] buckets(Duration from, Duration to, double factor) {
    List<Duration> bounds = new ArrayList<>();
    for (double nanos = from.toNanos(); nanos <= to.toNanos(); nanos *= factor) {
      bounds.add(Duration.ofNanos(Math.round(nanos)));
    }
    return bounds.toArray(Duration[]::new);
  }

  public void retry(String handler) {
    meter(retries, handler, h -> Counter.builder("shop.handler.retries").description("Handler call attempts retried")
        .tag("handler", h).register(registry)).increment();
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
    return meter(systemicFailures, handler, h -> Counter.builder("shop.handler.systemic.failures")
        .description("Handler calls failing for a reason of setup, not of the event (held, not dead-lettered)")
        .tag("handler", h).register(registry));
  }

  public void deadLetter(String kind) {
    deadLetters(kind).increment();
  }

  private Counter deadLetters(String kind) {
    return meter(deadLetters, kind, k -> Counter.builder("shop.dlq.writes")
        .description("Records parked in the dead-letter queue, by kind").tag("kind", k).register(registry));
  }

  public void checkpoint() {
    Counter counter = checkpoints;
    if (counter == null) {
      counter = Counter.builder("shop.checkpoints").description("Checkpoints written").register(registry);
      checkpoints = counter;
    }
    counter.increment();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The meter for {@code key}, registered on first use (a plain read after that). */
  private static <K, M> M meter(Map<K, M> meters, K key, Function<K, M> register) {
    M meter = meters.get(key);
    return meter != null ? meter : meters.computeIfAbsent(key, register);
  }
}
