package dev.shopstream.handlers.waitlist;

import java.util.List;

/**
 * Publishes back-in-stock notifications, at most {@link #MAX_BATCH} and {@link #MAX_BATCH_BYTES} per
 * call (SNS PublishBatch's limits: 10 entries, 256 KiB of messages and attributes together).
 */
public interface WaitlistNotifier {
  int MAX_BATCH = 10;
  int MAX_BATCH_BYTES = 256 * 1024;

  /** The entries cut into calls this notifier accepts, in order (the default: by count alone). */
  default List<List<WaitlistEntry>> batches(String productName, List<WaitlistEntry> entries) {
    List<List<WaitlistEntry>> batches = new java.util.ArrayList<>();
    for (int from = 0; from < entries.size(); from += MAX_BATCH) {
      batches.add(List.copyOf(entries.subList(from, Math.min(from + MAX_BATCH, entries.size()))));
    }
    return batches;
  }

  /** What one call achieved: the entries whose notification was accepted, and why others were not. */
  record Outcome(List<WaitlistEntry> delivered, List<String> failures) {
    public Outcome {
      delivered = List.copyOf(delivered);
      failures = List.copyOf(failures);
    }
  }

  /**
   * @param productName for the message text; may be null
   * @throws RuntimeException when the call as a whole failed: nothing was accepted, or (an
   *     {@link dev.shopstream.handlers.EffectFailure#outcomeUnknown}) it is not known what was
   */
  Outcome publish(String productName, List<WaitlistEntry> entries);
}
