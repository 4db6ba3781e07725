package dev.shopstream.pipeline.app;

import dev.shopstream.pipeline.config.WorkerConfig;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.kcl.KclSchedulerBuilder;
import dev.shopstream.pipeline.kcl.ShardProcessorFactory;
import dev.shopstream.pipeline.dlq.DeadLetterQueue;
import dev.shopstream.pipeline.processing.BatchProcessor;
import dev.shopstream.pipeline.processing.ChangeProcessor;
import dev.shopstream.pipeline.processing.HandlerInvoker;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.ShardProgress;
import dev.shopstream.pipeline.processing.Sleeper;
import dev.shopstream.pipeline.routing.EventRouter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.coordinator.Scheduler;

/**
 * The composition root: builds the differ, router, handlers, processors and the KCL scheduler from
 * one {@link WorkerConfig}, and runs them. Nothing else in the worker constructs collaborators.
 */
public final class ShopStreamWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShopStreamWorker.class);

  private final WorkerConfig config;
  private final AwsClients clients;
  private final Scheduler scheduler;
  private final AtomicBoolean stopping;
  private final Thread schedulerThread;

  private final WorkerLifecycle lifecycle;
  private final ShardProgress progress;

  private ShopStreamWorker(WorkerConfig config, AwsClients clients, Scheduler scheduler, AtomicBoolean stopping,
      WorkerLifecycle lifecycle, ShardProgress progress) {
    this.lifecycle = lifecycle;
    this.progress = progress;
    this.config = config;
    this.clients = clients;
    this.scheduler = scheduler;
    this.stopping = stopping;
    this.schedulerThread = new Thread(scheduler, "kcl-scheduler");
  }

  /**
   * @param deadLetters where records that cannot be handled go
   */
  public static ShopStreamWorker create(WorkerConfig config, AwsClients clients, HandlerCatalogue handlers,
      DeadLetterQueue deadLetters, MeterRegistry registry, Clock clock) {
    return create(config, clients, handlers, deadLetters, registry, clock, shard -> true);
  }

  /** @param selectedShards records of other shards are passed over (a replay of chosen shards) */
  public static ShopStreamWorker create(WorkerConfig config, AwsClients clients, HandlerCatalogue handlers,
      DeadLetterQueue deadLetters, MeterRegistry registry, Clock clock, java.util.function.Predicate<String> selectedShards) {
    PipelineMetrics metrics = new PipelineMetrics(registry);
    AtomicBoolean stopping = new AtomicBoolean();
    ChangeProcessor changes = changeProcessor(config, handlers, deadLetters, metrics, stopping::get, clock);
    BatchProcessor batches = new BatchProcessor(changes, config.retry(), Sleeper.SYSTEM, clock);
    ShardProgress progress = new ShardProgress(registry, clock);
    ShardProcessorFactory processors = new ShardProcessorFactory(config.table(), batches, stopping::get, metrics,
        config.checkpointInterval(), clock, progress, selectedShards);
    WorkerLifecycle lifecycle = new WorkerLifecycle();
    Scheduler scheduler = KclSchedulerBuilder.build(config, processors, clients.streamArn(config.table()), clients.dynamoAsync(),
        clients.streams(), clients.cloudWatch(), lifecycle);
    return new ShopStreamWorker(config, clients, scheduler, stopping, lifecycle, progress);
  }

  /** The record-handling part of the worker, without KCL: also what the DLQ redrive runs records through. */
  public static ChangeProcessor changeProcessor(WorkerConfig config, HandlerCatalogue handlers, DeadLetterQueue deadLetters,
      PipelineMetrics metrics, java.util.function.BooleanSupplier stopping, Clock clock) {
    EventRouter router = new EventRouter(handlers.build(config.handlers()));
    HandlerInvoker invoker = new HandlerInvoker(config.retry(), stopping, metrics);
    return new ChangeProcessor(ImageDiffer.standard(clock), router, invoker, deadLetters, metrics, clock);
  }

  public void start() {
    LOG.info("worker {} starting on table {} as application {} (handlers {})", config.workerId(), config.table(),
        config.applicationName(), config.handlers());
    schedulerThread.start();
  }

  /** True once this worker holds at least one shard lease and processes it. */
  public boolean isProcessing() {
    return !scheduler.shardInfoShardConsumerMap().isEmpty();
  }

  public boolean isRunning() {
    return schedulerThread.isAlive() && !scheduler.shutdownComplete() && !lifecycle.failed();
  }

  /** Ready for traffic: KCL has started (holding leases or standing by for them) and the worker is not stopping. */
  public boolean isReady() {
    return lifecycle.started() && !stopping.get() && isRunning();
  }

  /**
   * Stops taking records, lets in-flight ones finish or give up, checkpoints what is handled and
   * releases the leases, within the configured shutdown timeout.
   *
   * @return true if the graceful shutdown completed in time
   */
  public boolean stop() {
    if (!stopping.compareAndSet(false, true)) {
      return true;
    }
    Duration bound = config.shutdownTimeout();
    LOG.info("worker {} stopping (bound {} s)", config.workerId(), bound.toSeconds());
    boolean graceful;
    try {
      graceful = Boolean.TRUE.equals(scheduler.startGracefulShutdown().get(bound.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      LOG.warn("graceful shutdown did not finish within {} s; forcing it (unhandled records are redelivered)", bound.toSeconds());
      graceful = false;
    } catch (Exception e) {
      LOG.warn("graceful shutdown failed: {}", e.toString());
      graceful = false;
    }
    if (!graceful) {
      scheduler.shutdown();
    }
    try {
      schedulerThread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("worker {} stopped (graceful={})", config.workerId(), graceful);
    return graceful;
  }

  /** Per-shard records handled, lag and catch-up, as the shard processors report them. */
  public ShardProgress progress() {
    return progress;
  }

  public WorkerConfig config() {
    return config;
  }

  @Override
  public void close() {
    stop();
    clients.close();
  }
}
