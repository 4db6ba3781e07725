package dev.shopstream.handlers.waitlist;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Publishes back-in-stock notifications, at most {@link #MAX_BATCH} and {@link #MAX_BATCH_BYTES} per
 * call (SNS PublishBatch's limits: 10 entries, 256 KiB of messages and attributes together).
 */
public interface WaitlistNotifier {
  int MAX_BATCH = 10;
  int MAX_BATCH_BYTES = 256 * 1024;

  /** The entries cut into calls this notifier accepts, in order (the default: by count alone). */
  default List<List<WaitlistEntry>> batches(String productName, List<WaitlistEntry> entries) {
    List<List<WaitlistEntry>> batches = new ArrayList<>();
    for (int from = 0; from < entries.size(); from += MAX_BATCH) {
      batches.add(List.copyOf(entries.subList(from, Math.min(from + MAX_BATCH, entries.size()))));
    }
    return batches;
  }

  /** What one call achieved: the entries whose notification was accepted, and why others were not. */
  record Outcome(List<WaitlistEntry> delivered, List<Failure> failures) {
    public Outcome {
      delivered = List.copyOf(delivered);
      failures = List.copyOf(failures);
    }

    /** The failure reported for {@code entry}, if the call named one. */
    public Optional<Failure> failureOf(WaitlistEntry entry) {
      return failures.stream().filter(f -> f.entry().equals(entry)).findFirst();
    }
  }

  /**
   * One entry the call did not accept. {@code permanent} when the provider blamed the request itself
   * (SNS's {@code SenderFault}: an invalid attribute, a message too long): sending it again fails
   * again, so retrying it for an hour only delays the dead letter. Otherwise (throttling, an internal
   * error) it may succeed later.
   *
   * @param reason names the user, the provider's code and message; never the contact
   */
  record Failure(WaitlistEntry entry, String reason, boolean permanent) {
    public Failure {
      Objects.requireNonNull(entry, "entry");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * @param productName for the message text; may be null
   * @param noticeIdOf each entry's notice id: the same on every attempt of one restock and user, so a
   *     repeat can be recognised (a FIFO topic drops it within its deduplication interval; subscribers of a
   *     standard topic can drop it themselves)
   * @throws RuntimeException when the call as a whole failed: nothing was accepted, or (an
   *     {@link dev.shopstream.handlers.EffectFailure#outcomeUnknown}) it is not known what was
   */
  Outcome publish(String productName, List<WaitlistEntry> entries, Function<WaitlistEntry, String> noticeIdOf);
}
