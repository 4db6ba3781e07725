package dev.shopstream.pipeline.app;

import dev.shopstream.pipeline.config.WorkerConfig;
import dev.shopstream.pipeline.kcl.EagerLeaseSync;
import dev.shopstream.pipeline.kcl.KclSchedulerBuilder;
import dev.shopstream.pipeline.kcl.LeaseRelease;
import dev.shopstream.pipeline.kcl.ShardProcessorFactory;
import dev.shopstream.pipeline.processing.Cancellation;
import dev.shopstream.pipeline.processing.FatalErrors;
import dev.shopstream.pipeline.processing.HeldLeases;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.processing.ShardProgress;
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
 * The running worker: the KCL scheduler over the shard processors, one record pool, start, readiness
 * and a bounded graceful stop. {@link CompositionRoot} builds it.
 */
public final class ShopStreamWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShopStreamWorker.class);

  private final WorkerConfig config;
  private final Scheduler scheduler;
  private final Cancellation stopping;
  private final ExecutorService recordPool;
  private final Thread schedulerThread;

  private final WorkerLifecycle lifecycle;
  private final ShardProgress progress;

  private ShopStreamWorker(WorkerConfig config, Scheduler scheduler, Cancellation stopping,
      ExecutorService recordPool, WorkerLifecycle lifecycle, ShardProgress progress) {
    this.recordPool = recordPool;
    this.lifecycle = lifecycle;
    this.progress = progress;
    this.config = config;
    this.scheduler = scheduler;
    this.stopping = stopping;
    this.schedulerThread = new Thread(() -> {
      if (config.kcl().eagerLeaseSync()) {
        EagerLeaseSync.prepare(scheduler);
      }
      scheduler.run();
    }, "kcl-scheduler");
  }

  /** Built by {@link CompositionRoot}. */
  static ShopStreamWorker create(WorkerConfig config, AwsClients clients, RecordProcessor records,
      PipelineMetrics metrics, MeterRegistry registry, Clock clock, java.util.function.Predicate<String> selectedShards,
      HeldLeases leases) {
    Cancellation stopping = new Cancellation();
    ExecutorService recordPool = recordPool(config.recordThreads());
    ShardProgress progress = new ShardProgress(registry, clock, leases);
    ShardProcessorFactory processors = new ShardProcessorFactory(config.table(), records, stopping, recordPool,
        config.maxInFlight(), metrics, config.checkpointInterval(), config.shutdownTimeout().dividedBy(2), clock, progress,
        selectedShards, FatalErrors.HALT);
    WorkerLifecycle lifecycle = new WorkerLifecycle();
    Scheduler scheduler = KclSchedulerBuilder.build(config, processors, clients.streamArn(config.table()), clients.dynamoAsync(),
        clients.streams(), clients.cloudWatch(), lifecycle);
    return new ShopStreamWorker(config, scheduler, stopping, recordPool, lifecycle, progress);
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

  /** True once a stop has begun (SIGTERM). */
  public boolean isStopping() {
    return stopping.isCancelled();
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
    LeaseRelease.releaseHeldBy(scheduler, config.workerId());
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

  /** Stops the worker; the AWS clients belong to the {@link CompositionRoot} and close with it. */
  @Override
  public void close() {
    stop();
  }
}
