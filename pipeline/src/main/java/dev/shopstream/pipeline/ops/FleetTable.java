package dev.shopstream.pipeline.ops;

import dev.shopstream.pipeline.fleet.FleetView;
import java.time.Duration;
import java.util.Locale;

/** The fleet view as a table for people ({@code status}, {@code status --watch}). */
public final class FleetTable {
  /** Sequence numbers are 21+ digits: the table shows their end, {@code status --json} all of them. */
  static final int CHECKPOINT_WIDTH = 14;

  private FleetTable() {}

  public static String render(FleetView view) {
    StringBuilder out = new StringBuilder();
    int shardWidth = Math.max(5, view.shards().stream().mapToInt(s -> s.shardId().length()).max().orElse(5));
    int ownerWidth = Math.max(5, view.shards().stream().mapToInt(s -> s.owner() == null ? 1 : s.owner().length())
        .max().orElse(5));
    String row = "%-" + shardWidth + "s  %-8s  %-" + ownerWidth + "s  %-7s  %-" + CHECKPOINT_WIDTH
        + "s  %9s  %9s  %s%n";
    out.append(String.format(Locale.ROOT, row, "SHARD", "STREAM", "OWNER", "LEASE", "CHECKPOINT", "CKPT AGE",
        "LAG", "LAG FROM"));
    for (FleetView.Shard shard : view.shards()) {
      out.append(String.format(Locale.ROOT, row, shard.shardId(), lower(shard.stream()),
          shard.owner() == null ? "-" : shard.owner(), shard.leased() ? lower(shard.holding()) : "no lease",
          checkpoint(shard.checkpoint()), seconds(shard.checkpointAge()), seconds(shard.lag()),
          lower(shard.lagSource())));
    }
    out.append('\n');
    int workerWidth = Math.max(6, view.workers().stream().mapToInt(w -> w.workerId().length()).max().orElse(6));
    String workerRow = "%-" + workerWidth + "s  %6s  %s%n";
    out.append(String.format(Locale.ROOT, workerRow, "WORKER", "LEASES", "LAST RENEWAL SEEN"));
    for (FleetView.Worker worker : view.workers()) {
      out.append(String.format(Locale.ROOT, workerRow, worker.workerId(), worker.leases(),
          worker.lastRenewal() == null ? "-" : seconds(Duration.between(worker.lastRenewal(), view.readAt()))
          .trim() + " ago"));
    }
    out.append('\n').append(view.shards().size()).append(" shards, ").append(view.unowned())
        .append(" unfinished not held by a live worker; ").append(view.liveWorkers()).append(" worker")
        .append(view.liveWorkers() == 1 ? "" : "s").append(" holding leases; read ").append(view.readAt()).append('\n');
    return out.toString();
  }

  static String checkpoint(String checkpoint) {
    if (checkpoint == null) {
      return "-";
    }
    return checkpoint.length() <= CHECKPOINT_WIDTH ? checkpoint
        : ".." + checkpoint.substring(checkpoint.length() - (CHECKPOINT_WIDTH - 2));
  }

  static String seconds(Duration duration) {
    if (duration == null) {
      return "?";
    }
    long millis = duration.toMillis();
    return millis < 100_000 ? String.format(Locale.ROOT, "%.1fs", millis / 1000.0)
        : millis < 6_000_000 ? String.format(Locale.ROOT, "%dm%02ds", millis / 60_000, millis / 1000 % 60)
        : String.format(Locale.ROOT, "%dh%02dm", millis / 3_600_000, millis / 60_000 % 60);
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
