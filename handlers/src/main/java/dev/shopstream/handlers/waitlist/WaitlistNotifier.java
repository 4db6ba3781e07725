package dev.shopstream.handlers.waitlist;

import java.util.List;

/** Publishes back-in-stock notifications, at most {@link #MAX_BATCH} per call. */
public interface WaitlistNotifier {
  int MAX_BATCH = 10;

  /** What one call achieved: the entries whose notification was accepted, and why others were not. */
  record Outcome(List<WaitlistEntry> delivered, List<String> failures) {
    public Outcome {
      delivered = List.copyOf(delivered);
      failures = List.copyOf(failures);
    }
  }

  /**
   * @param productName for the message text; may be null
   * @throws RuntimeException when the call as a whole failed (nothing was accepted)
   */
  Outcome publish(String productName, List<WaitlistEntry> entries);
}
