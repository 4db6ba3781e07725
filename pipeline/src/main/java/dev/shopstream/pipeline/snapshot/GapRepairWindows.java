package dev.shopstream.pipeline.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision behind gap repair, pure: given where a shard's changes stopped being handled (its checkpoint's time)
 * and now, whether the changes the stream no longer holds can be recovered from incremental exports, and with which
 * windows. An incremental export covers a window of 15 minutes to 24 hours within the point-in-time recovery period
 * (35 days at most); its items are as of the window's end, stamped as a snapshot row of that second, so the windows
 * may be exported and published in any order, and the stream's records (read again from TRIM_HORIZON) win from the
 * last window's end on. See docs/operations.md, "Gap repair".
 */
public final class GapRepairWindows {
  public static final Duration MIN_WINDOW = Duration.ofMinutes(15);
  public static final Duration MAX_WINDOW = Duration.ofHours(24);

  /** Either windows to export, or why the gap cannot be repaired from exports. */
  public sealed interface Plan permits Repair, Refusal {}

  /** Export each window {@code [from, to)}; the last ends at the plan's {@code to}. */
  public record Repair(List<Window> windows) implements Plan {}

  public record Refusal(String reason) implements Plan {}

  public record Window(Instant from, Instant to) {}

  private GapRepairWindows() {}

  /**
   * @param from the checkpoint's time: the oldest change that may be missing (rounded down to the second)
   * @param to the end of the repair (rounded down to the second): now, or any time at or after the trim horizon at
   *     which the shard goes on from TRIM_HORIZON
   * @param earliestRestorable the table's earliest point-in-time recovery time (null: PITR is off)
   * @param now the current time: an export's window must lie in the past
   */
  public static Plan plan(Instant from, Instant to, Instant earliestRestorable, Instant now) {
    Instant start = from.truncatedTo(ChronoUnit.SECONDS);
    Instant end = to.truncatedTo(ChronoUnit.SECONDS);
    if (earliestRestorable == null) {
      return new Refusal("point-in-time recovery is off on the table: no incremental export can cover " + start + " to "
          + end + "; the changes are lost to the sink, take a new snapshot (shop-stream snapshot --bucket)");
    }
    if (end.isAfter(now)) {
      return new Refusal("the repair's end " + end + " is in the future: an export covers the past only");
    }
    if (!end.isAfter(start)) {
      return new Refusal("the repair's end " + end + " is not after its start " + start);
    }
    if (end.minus(MIN_WINDOW).isBefore(start)) {
      // an export needs 15 minutes at least: reach back further (earlier changes again are harmless)
      start = end.minus(MIN_WINDOW);
    }
    if (start.isBefore(earliestRestorable)) {
      return new Refusal("the gap starts at " + start + ", before the table's earliest restorable time "
          + earliestRestorable + ": no export covers it; take a new snapshot (shop-stream snapshot --bucket)");
    }
    List<Window> windows = new ArrayList<>();
    for (Instant cursor = start; cursor.isBefore(end); ) {
      Instant next = cursor.plus(MAX_WINDOW).isBefore(end) ? cursor.plus(MAX_WINDOW) : end;
      if (Duration.between(next, end).compareTo(MIN_WINDOW) < 0 && next.isBefore(end)) {
        // the remainder would be shorter than an export allows: end this window earlier so the last one is 15 min
        next = end.minus(MIN_WINDOW);
      }
      windows.add(new Window(cursor, next));
      cursor = next;
    }
    return new Repair(List.copyOf(windows));
  }
}
