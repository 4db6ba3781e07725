package dev.shopstream.pipeline.kcl;

import dev.shopstream.pipeline.fleet.FleetWatch;
import dev.shopstream.pipeline.processing.Cancellation;
import dev.shopstream.pipeline.processing.FatalErrors;
import dev.shopstream.pipeline.processing.ShardLeases;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.processing.RepeatedErrors;
import dev.shopstream.pipeline.processing.ShardProgress;
import dev.shopstream.pipeline.snapshot.GapRepairs;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.kinesis.coordinator.Scheduler;

/**
 * The running worker: the KCL scheduler over the shard processors, one record pool, start, readiness
 * and a bounded graceful stop. The composition root ({@code app}) builds it; it never sees the root.
 */
public final class ShopStreamWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShopStreamWorker.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final WorkerSettings config;
  private final Scheduler scheduler;
  private final Cancellation stopping;
  private final ExecutorService recordPool;
  private final Thread schedulerThread;

  private final WorkerLifecycle lifecycle;
  private final ShardProgress progress;
  private final FleetWatch fleet;
  private final GapRepairs repairs;

  private ShopStreamWorker(WorkerSettings config, Scheduler scheduler, Cancellation stopping,
      ExecutorService recordPool, WorkerLifecycle lifecycle, ShardProgress progress, FleetWatch fleet,
      GapRepairs repairs) {
    this.fleet = fleet;
    this.repairs = repairs;
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

  /**
   * What KCL needs of AWS: the table's stream, the client of its lease tables, the streams client it
   * reads through and the CloudWatch client it requires (its metrics go to Micrometer, so it makes no calls).
   *
   * @param streams the streams client KCL reads through (the one whose trimmed-data failures are monitored)
   * @param streamArn the table's stream, as {@link StreamLocator#latestStreamArn} gives it
   */
  public record KclClients(String streamArn, DynamoDbAsyncClient leaseTables, DynamoDbStreamsClient streams,
      CloudWatchAsyncClient cloudWatch) {}

  /**
   * Built by the composition root.
   *
   * @param fleet the fleet view over this worker's shards (read from their processors' progress), which
   *     also reports them into their leases; null: this worker does not watch the fleet
   * @param repairs the REPAIR policy's background repairs; null under the other policies
   */
  public static ShopStreamWorker create(WorkerSettings config, KclClients clients, RecordProcessor records,
      PipelineMetrics metrics, MeterRegistry registry, Clock clock, Predicate<String> selectedShards,
      ShardLeases leases, RepeatedErrors repeatedErrors, Function<ShardProgress, FleetWatch> fleet,
      GapRepairs repairs) {
    Cancellation stopping = new Cancellation();
    ExecutorService recordPool = recordPool(config.engine().recordThreads());
    ShardProgress progress = new ShardProgress(registry, clock);
    KclLeases kclLeases = new KclLeases();
    ShardProcessorFactory processors = new ShardProcessorFactory(config.stream().table(), records, stopping,
        recordPool, config.engine().maxInFlight(), config.engine().maxInFlightBytes(), metrics,
        config.engine().checkpointInterval(), config.engine().shutdownTimeout().dividedBy(2), clock, progress,
        selectedShards, FatalErrors.HALT, repeatedErrors, leases, kclLeases);
    WorkerLifecycle lifecycle = new WorkerLifecycle();
    Scheduler scheduler = KclSchedulerBuilder.build(config, processors, clients.streamArn(), clients.leaseTables(),
        clients.streams(), clients.cloudWatch(), lifecycle, registry);
    kclLeases.attach(scheduler);
    FleetWatch watch = fleet == null ? null : fleet.apply(progress);
    return new ShopStreamWorker(config, scheduler, stopping, recordPool, lifecycle, progress, watch, repairs);
  }

  /** The one bounded pool every shard's records run on; idle threads end after a minute. */
  static ExecutorService recordPool(int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(),
        task -> {
          Thread thread = new Thread(task, "record-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  public void start() {
    LOG.info("worker {} starting on table {} as application {} (handlers {})", config.application().workerId(),
        config.stream().table(), config.application().name(), config.handlers());
    schedulerThread.start();
    if (fleet != null) {
      fleet.start();
    }
    if (repairs != null) {
      repairs.start(); // also resumes the repairs a stopped worker left
    }
  }

  /** True once this worker holds at least one shard lease and processes it. */
  public boolean isProcessing() {
    return !scheduler.shardInfoShardConsumerMap().isEmpty();
  }

  /**
   * Waits for this worker's first shard: the event of a shard processor taking its lease, not a poll. Returns
   * early, false, once KCL will take none (its initialisation failed, or it is shutting down).
   *
   * @return true when this worker took a shard within {@code timeout} (it may have lost it since: {@link
   *     #isProcessing()} tells the present)
   */
  public boolean awaitProcessing(Duration timeout) throws InterruptedException {
    CompletableFuture<Void> taken = progress.firstShardTaken();
    try {
      CompletableFuture.anyOf(taken, lifecycle.gaveUp()).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // neither within the timeout: answered below
    }
    return taken.isDone();
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
        && progress.longestHold().compareTo(config.engine().readyMaxHold()) < 0;
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
    if (fleet != null) {
      fleet.close();
    }
    if (repairs != null) {
      repairs.close(); // a repair cut short stays written down, for this or another worker to finish
    }
    Duration bound = config.engine().shutdownTimeout();
    LOG.info("worker {} stopping (bound {} s)", config.application().workerId(), bound.toSeconds());
    boolean graceful = awaitGracefulShutdown(scheduler.startGracefulShutdown(), bound);
    if (!scheduler.shutdownComplete()) {
      scheduler.shutdown(); // stops the lease coordinator: no renewal from here on
    }
    // before the scheduler loop ends: it winds down its consumers for up to a lease duration, and the
    // leases are free to take now (every shard has checkpointed, or is redelivered from its checkpoint)
    LeaseRelease.releaseHeldBy(scheduler, config.application().workerId());
    try {
      schedulerThread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    recordPool.shutdownNow();
    LOG.info("worker {} stopped (graceful={})", config.application().workerId(), graceful);
    return graceful;
  }

  /**
   * Waits for KCL's graceful shutdown, or less: once every shard processor has checkpointed its stop
   * (or lost or ended its shard), nothing is left to finish, and waiting on would only hold the leases
   * from the workers taking over. KCL 3.1.1's graceful shutdown never completes when one of its
   * consumers had ended or lost its shard just before (it waits for a notice that consumer never
   * sends): the whole bound, seen as 20 s stalls in rolling restarts.
   *
   * @return true if every shard stopped with its checkpoint (KCL's own shutdown finishing or not)
   */
  private boolean awaitGracefulShutdown(Future<Boolean> kcl, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        return Boolean.TRUE.equals(kcl.get(POLL.toMillis(), TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        if (lifecycle.hasStarted() && !stopping.hasLiveChildren()) {
          LOG.info("every shard checkpointed its stop; not waiting for the rest of KCL's shutdown");
          return true;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception e) {
        LOG.warn("graceful shutdown failed: {}", e.toString());
        return false;
      }
    }
    LOG.warn("graceful shutdown did not finish within {} s; forcing it (unhandled records are redelivered)",
        bound.toSeconds());
    return false;
  }

  /** Per-shard records handled, lag and catch-up, as the shard processors report them. */
  public ShardProgress progress() {
    return progress;
  }

  /** Stops the worker; the AWS clients belong to the composition root and close with it. */
  @Override
  public void close() {
    stop();
  }
}
