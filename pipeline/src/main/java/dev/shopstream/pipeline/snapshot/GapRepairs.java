package dev.shopstream.pipeline.snapshot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REPAIR trimmed-data policy: when a shard's checkpoint is found past the stream's retention, the shard goes
 * on from the trim horizon at once (as with SKIP) and this repairs the analytics sink behind it. The gap is
 * written down ({@link GapRepairJobs}), and a background thread asks for incremental exports of the items changed
 * from when the shard was last handled (less a margin) to now, and publishes each as a snapshot is: a state
 * event per item, stamped as of the export window's end. The stream's own records after that second carry
 * later versions, so a consumer upserting last-writer-wins ends with the same state whatever the order of
 * arrival; nothing between the gap's start and the live position is left out. Emails and waitlist notices of
 * the lost changes are not sent: only the analytics sink is repaired.
 *
 * <p>Several gaps are repaired together (one export per window covers every shard). A repair claimed by a
 * worker that no longer holds a lease, or claimed longer ago than {@link #ADOPT_AFTER}, is taken over; two
 * workers repairing the same window publish the same states with the same versions, which is harmless.
 */
public final class GapRepairs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GapRepairs.class);
  /** How far before the last known handled write time a repair starts: clock differences, report timing. */
  public static final Duration MARGIN = Duration.ofMinutes(5);
  /** A repair claimed this long ago by a worker still alive is taken over all the same. */
  public static final Duration ADOPT_AFTER = Duration.ofHours(3);
  static final Duration IDLE = Duration.ofSeconds(30);
  static final Duration AFTER_FAILURE = Duration.ofSeconds(60);

  /** Incremental exports of the table (DynamoDB's, or a fixture's in tests). */
  public interface Exports {
    /** The table's earliest point-in-time recovery time; null when point-in-time recovery is off. */
    Instant earliestRestorable();

    /** An incremental export of the items changed in {@code [from, to)}, requested, waited for and located. */
    ExportLocation incremental(Instant from, Instant to);
  }

  private final GapRepairJobs jobs;
  private final Exports exports;
  private final Snapshot snapshot;
  private final Function<ExportLocation, SnapshotCheckpoint> checkpoints;
  private final Function<String, Optional<Instant>> handledThrough;
  private final Supplier<Set<String>> liveWorkers;
  private final String workerId;
  private final Clock clock;
  private final Snapshot.Options options;
  private final Counter repaired;
  private final Counter refused;
  private final Counter unrepairable;
  private final Counter failed;
  private final Object signal = new Object();
  private volatile boolean closed;
  private Thread thread;

  /**
   * @param handledThrough per shard, the write time before which its changes had been handled (empty: unknown)
   * @param liveWorkers the workers holding a lease now
   */
  public GapRepairs(GapRepairJobs jobs, Exports exports, Snapshot snapshot,
      Function<ExportLocation, SnapshotCheckpoint> checkpoints, Function<String, Optional<Instant>> handledThrough,
      Supplier<Set<String>> liveWorkers, String workerId, Clock clock, MeterRegistry registry) {
    this.jobs = jobs;
    this.exports = exports;
    this.snapshot = snapshot;
    this.checkpoints = checkpoints;
    this.handledThrough = handledThrough;
    this.liveWorkers = liveWorkers;
    this.workerId = workerId;
    this.clock = clock;
    this.options = new Snapshot.Options(false, Duration.ofHours(2), 32, Snapshot.DEFAULT_CHUNK_LINES);
    this.repaired = outcome(registry, "repaired");
    this.refused = outcome(registry, "refused");
    this.unrepairable = outcome(registry, "unrepairable");
    this.failed = outcome(registry, "failed");
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder("shop.stream.gap.repairs").tag("outcome", outcome)
        .description("Shard gaps (checkpoints past the stream's retention) by what the REPAIR policy did with them; "
            + "failed: an attempt that will be tried again").register(registry);
  }

  /**
   * A shard's checkpoint was found past the retention: writes the repair down and wakes the repairing thread.
   * Never throws (it runs on KCL's thread asking for the shard's iterator).
   */
  public void gapFound(String shardId) {
    try {
      Optional<Instant> through = handledThrough.apply(shardId);
      if (through.isEmpty()) {
        unrepairable.increment();
        LOG.error("DATA LOSS: gap repair of shard {} impossible: no holder of its lease ever reported how far it was "
            + "handled; repair the analytics sink with a new snapshot (shop-stream snapshot --bucket <bucket>)",
            shardId);
        return;
      }
      GapRepairJobs.Job job = jobs.add(shardId, through.get().minus(MARGIN).truncatedTo(ChronoUnit.SECONDS),
          clock.instant());
      LOG.warn("gap repair of shard {} written down ({}): the items changed since {} go to the analytics topic as "
          + "state events from incremental exports", shardId, job.key(), job.from());
      synchronized (signal) {
        signal.notifyAll();
      }
    } catch (RuntimeException e) {
      failed.increment();
      LOG.error("DATA LOSS: the gap repair of shard {} could not be written down ({}); repair the analytics sink by "
          + "hand: shop-stream snapshot --incremental-from <the shard's last handled time> (docs/operations.md, Gap "
          + "repair)", shardId, e.toString());
    }
  }

  public synchronized void start() {
    if (thread == null) {
      thread = new Thread(this::loop, "gap-repair");
      thread.setDaemon(true);
      thread.start();
    }
  }

  private void loop() {
    while (!closed) {
      Duration pause = IDLE;
      try {
        runOnce();
      } catch (RuntimeException e) {
        failed.increment();
        pause = AFTER_FAILURE;
        LOG.warn("gap repair failed, tried again in {} s: {}", pause.toSeconds(), e.getMessage() != null
            ? e.getMessage() : e.toString());
      }
      synchronized (signal) {
        if (!closed) {
          try {
            signal.wait(pause.toMillis());
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  /**
   * One pass: takes every repair that is not another live worker's, and repairs their gaps together.
   *
   * @return how many gaps were repaired or refused (0: nothing to do)
   */
  int runOnce() {
    Instant now = clock.instant();
    List<GapRepairJobs.Job> pending = jobs.pending();
    if (pending.isEmpty()) {
      return 0;
    }
    Set<String> live = liveWorkers.get();
    List<GapRepairJobs.Job> mine = new ArrayList<>();
    for (GapRepairJobs.Job job : pending) {
      if (job.claimedBy() == null || job.claimedBy().equals(workerId) || !live.contains(job.claimedBy())
          || job.claimedAt().isBefore(now.minus(ADOPT_AFTER))) {
        mine.add(jobs.claim(job, workerId, now));
      }
    }
    if (mine.isEmpty()) {
      return 0;
    }
    List<String> shards = mine.stream().map(GapRepairJobs.Job::shardId).distinct().toList();
    Instant from = mine.get(0).from();
    Instant to = now.truncatedTo(ChronoUnit.SECONDS);
    GapRepairWindows.Plan plan = GapRepairWindows.plan(from, to, exports.earliestRestorable(), now);
    if (plan instanceof GapRepairWindows.Refusal refusal) {
      refused.increment(mine.size());
      LOG.error("DATA LOSS: gap repair of shard(s) {} refused: {}", shards, refusal.reason());
      mine.forEach(jobs::done);
      return mine.size();
    }
    List<GapRepairWindows.Window> windows = ((GapRepairWindows.Repair) plan).windows();
    LOG.info("gap repair of shard(s) {}: the items changed from {} to {}, {} incremental export(s)", shards, from, to,
        windows.size());
    long states = 0;
    for (GapRepairWindows.Window window : windows) {
      ExportLocation location = exports.incremental(window.from(), window.to());
      Snapshot.Summary summary = snapshot.run(location, checkpoints.apply(location), options);
      if (!summary.complete()) {
        throw new IllegalStateException("export " + location.exportId() + " was not published to its end ("
            + summary.states() + " state(s) so far); the repair goes on from its checkpoint");
      }
      states += summary.states();
      if (summary.rejected() > 0) {
        LOG.warn("gap repair: export {} had {} line(s) rejected: {}", location.exportId(), summary.rejected(),
            summary.rejections());
      }
    }
    mine.forEach(jobs::done);
    repaired.increment(mine.size());
    LOG.info("gap repair of shard(s) {} done: {} state(s) published, as of {}", shards, states, to);
    return mine.size();
  }

  @Override
  public void close() {
    closed = true;
    synchronized (signal) {
      signal.notifyAll();
    }
    Thread running;
    synchronized (this) {
      running = thread;
    }
    if (running != null) {
      running.interrupt();
    }
  }
}
