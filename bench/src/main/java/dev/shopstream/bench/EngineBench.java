package dev.shopstream.bench;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.processing.Cancellation;
import dev.shopstream.pipeline.processing.KeyOrderedWindow;
import dev.shopstream.pipeline.processing.Pause;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.processing.RetryPolicy;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.stream.ChangeRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * (a) The record engine alone, in process: one shard's records through the real differ, router and
 * record loop to a stub handler that answers after a fixed delay, for each in-flight window. Its own
 * ceiling, free of emulators.
 */
final class EngineBench {
  /** One window's figure. */
  record Point(int window, int records, double recordsPerSecond) {}

  private EngineBench() {}

  static Point run(int window, Duration handlerLatency, int users) throws InterruptedException {
    int parallel = Math.min(window, users);
    int count = (int) Math.max(60, Math.min(6000, 1000.0 * parallel * 1.5 / Math.max(1, handlerLatency.toMillis())));
    List<ChangeRecord> records = SyntheticStream.orders(count, users);
    RecordProcessor processor = new RecordProcessor(ImageDiffer.standard(Clock.systemUTC()),
        new EventRouter(List.of(new FixedLatencyHandler(handlerLatency))), letter -> { },
        new PipelineMetrics(new SimpleMeterRegistry()),
        new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofHours(1)), Pause.SYSTEM,
        Clock.systemUTC());
    Cancellation cancellation = new Cancellation();
    ExecutorService pool = Executors.newFixedThreadPool(window * 4);
    try {
      KeyOrderedWindow<ChangeRecord> engine = new KeyOrderedWindow<>(window, ChangeRecord::orderingKey,
          record -> processor.process(record, cancellation) == RecordProcessor.Outcome.HANDLED, pool, failure -> { },
          Clock.systemUTC());
      long start = System.nanoTime();
      for (ChangeRecord record : records) {
        while (!engine.offer(record, Duration.ofSeconds(1))) {
          // full: back-pressure, as KCL's thread would wait
        }
      }
      if (!engine.awaitQuiet(Duration.ofMinutes(5)) || !engine.allHandled()) {
        throw new IllegalStateException("engine did not handle every record at window " + window);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Point(window, count, count / seconds);
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Answers every event after a fixed delay, as a remote call would. */
  private record FixedLatencyHandler(Duration latency) implements EventHandler {
    @Override
    public String name() {
      return "stub";
    }

    @Override
    public Set<EventType> eventTypes() {
      return EnumSet.allOf(EventType.class);
    }

    @Override
    public HandlerResult handle(DomainEvent event) {
      try {
        Thread.sleep(latency.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return HandlerResult.done("stub");
    }
  }
}
