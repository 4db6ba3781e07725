package dev.shopstream.pipeline.fleet;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The worker's periodic fleet view: every interval it reports its own shards into their leases, reads
 * the lease table and shows the result as metrics. One daemon thread; a failed round is logged (once per
 * run of failures) and the view ages until a round succeeds ({@code shop.fleet.view.age}).
 */
public final class FleetWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetWatch.class);

  private final FleetReader reader;
  private final LeaseReports reports;
  private final FleetMetrics metrics;
  private final Supplier<Collection<OwnShard>> own;
  private final Duration interval;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private volatile boolean failing;
  private volatile boolean closed;

  public FleetWatch(FleetReader reader, DynamoDbClient dynamo, String workerId,
      FleetMetrics metrics, Supplier<Collection<OwnShard>> own, Duration interval, Clock clock) {
    this.reader = reader;
    this.reports = new LeaseReports(dynamo, reader.leaseTable(), workerId);
    this.metrics = metrics;
    this.own = own;
    this.interval = interval;
    this.clock = clock;
    this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "fleet-view");
      thread.setDaemon(true);
      return thread;
    });
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One round: report, read, show. Never throws. */
  void round() {
    Collection<OwnShard> mine = List.of();
    try {
      mine = own.get();
      RuntimeException reportFailed = reports.report(mine, clock.instant());
      metrics.show(reader.read(mine));
      if (reportFailed != null) {
        throw reportFailed;
      }
      if (failing) {
        LOG.info("fleet view read and this worker's shards reported again");
      }
      failing = false;
    } catch (RuntimeException e) {
      if (mine.isEmpty() && e.getCause() instanceof ResourceNotFoundException) {
        // a new application: KCL creates its lease table as it starts, and this worker has no shard to report yet
        LOG.debug("no lease table {} yet", reader.leaseTable());
        return;
      }
      if (!failing && !closed) {
        LOG.warn("could not read the fleet view from, or report this worker's shards into, lease table {} (retried "
            + "every {} ms; other workers show this worker's shards' lag as unknown meanwhile): {}",
            reader.leaseTable(), interval.toMillis(), e.toString());
      }
      failing = true;
    }
  }

  /**
   * No further round; one under way finishes on its own (not interrupted: the worker's stop does not wait
   * for it, and a report written after this worker let its leases go is refused by its condition).
   */
  @Override
  public void close() {
    closed = true;
    timer.shutdown();
  }
}
