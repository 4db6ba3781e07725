package dev.shopstream.handlers.waitlist;

import java.time.Instant;
import java.util.List;

/** The waitlist as the handler needs it. */
public interface WaitlistStore {

  /** Every entry of the product not yet notified, in key order. */
  List<WaitlistEntry> waiting(String productId);

  /**
   * Records that the entry was notified for the restock {@code restockEventId}; an entry that was
   * meanwhile removed or already marked is left as it is.
   */
  void markNotified(WaitlistEntry entry, String restockEventId, Instant at);
}
