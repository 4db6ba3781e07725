package dev.shopstream.pipeline.app;

import dev.shopstream.pipeline.config.WorkerConfig;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.kcl.KclSchedulerBuilder;
import dev.shopstream.pipeline.kcl.ShardProcessorFactory;
import dev.shopstream.pipeline.dlq.DeadLetterQueue;
import dev.shopstream.pipeline.processing.Cancellation;
import dev.shopstream.pipeline.processing.FatalErrors;
import dev.shopstream.pipeline.processing.Pause;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.processing.ShardProgress;
import dev.shopstream.pipeline.routing.EventRouter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
  private final Cancellation stopping;
  private final ExecutorService recordPool;
  private final Thread schedulerThread;

  private final WorkerLifecycle lifecycle;
  private final ShardProgress progress;

  private ShopStreamWorker(WorkerConfig config, AwsClients clients, Scheduler scheduler, Cancellation stopping,
      ExecutorService recordPool, WorkerLifecycle lifecycle, ShardProgress progress) {
    this.recordPool = recordPool;
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
    Cancellation stopping = new Cancellation();
    RecordProcessor records = recordProcessor(config, handlers, deadLetters, metrics, clock);
    ExecutorService recordPool = recordPool(config.recordThreads());
    ShardProgress progress = new ShardProgress(registry, clock, handlers.leases());
    ShardProcessorFactory processors = new ShardProcessorFactory(config.table(), records, stopping, recordPool,
        config.maxInFlight(), metrics, config.checkpointInterval(), config.shutdownTimeout().dividedBy(2), clock, progress,
        selectedShards, FatalErrors.HALT);
    WorkerLifecycle lifecycle = new WorkerLifecycle();
    Scheduler scheduler = KclSchedulerBuilder.build(config, processors, clients.streamArn(config.table()), clients.dynamoAsync(),
        clients.streams(), clients.cloudWatch(), lifecycle);
    return new ShopStreamWorker(config, clients, scheduler, stopping, recordPool, lifecycle, progress);
  }

  /** The record-handling part of the worker, without KCL: also what the DLQ redrive runs records through. */
  public static RecordProcessor recordProcessor(WorkerConfig config, HandlerCatalogue handlers, DeadLetterQueue deadLetters,
      PipelineMetrics metrics, Clock clock) {
    EventRouter router = new EventRouter(handlers.build(config.handlers()));
    return new RecordProcessor(ImageDiffer.standard(clock), router, deadLetters, metrics, config.retry(), Pause.SYSTEM, clock);
  }

  /** The one bounded pool every shard's records run on; idle threads end after a minute. */
  static ExecutorService recordPool(int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        task -> {
          Thread thread = new Thread(task, "record-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
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

  /**
   * Ready: KCL has started (holding leases or standing by for them), the worker is not stopping, and
   * no shard's oldest unhandled record has been held longer than {@code SHOP_READY_MAX_HOLD_SECONDS}.
   */
  public boolean isReady() {
    return lifecycle.started() && !stopping.isCancelled() && isRunning()
        && progress.longestHold().compareTo(config.readyMaxHold()) < 0;
  }

  /**
   * Stops taking records, lets in-flight ones finish or give up, checkpoints what is handled and
   * releases the leases, within the configured shutdown timeout.
   *
   * @return true if the graceful shutdown completed in time
   */
  public boolean stop() {
    if (stopping.isCancelled()) {
      return true;
    }
    stopping.cancel("worker stopping");
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
    recordPool.shutdownNow();
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
