package dev.shopstream.handlers.waitlist;

import dev.shopstream.contracts.ProductBackInStock;
import dev.shopstream.contracts.TableModel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks, of the entries still waiting, those a restock notifies. An invalid entry (no user id, an
 * unknown channel, no contact) is never sent: SNS would refuse it or a subscriber could not deliver it,
 * and the record would fail for a cause no retry removes. It is skipped with one WARN per restock that
 * names the item (never the contact) and counted in the handler's result; the item stays in the table,
 * unmarked, so once fixed the next restock reaches it.
 */
final class WaitlistScreen {
  private static final Logger LOG = LoggerFactory.getLogger(WaitlistScreen.class);

  private WaitlistScreen() {}

  /** The entries to send, and how many were skipped as invalid. */
  record Screened(List<WaitlistEntry> sendable, int invalid) {
    Screened {
      sendable = List.copyOf(sendable);
    }

    /** Appended to the handler's result text; empty when nothing was skipped. */
    String note() {
      return invalid == 0 ? "" : "; skipped " + invalid + " invalid waitlist entry(ies), named in the WARN log";
    }
  }

  static Screened screen(ProductBackInStock restock, List<WaitlistEntry> waiting) {
    List<WaitlistEntry> sendable = new ArrayList<>();
    int invalid = 0;
    for (WaitlistEntry entry : waiting) {
      var problem = entry.problem();
      if (problem.isPresent()) {
        invalid++;
        LOG.warn("waitlist item {} / {}{} not notified of restock {}: {}; the item is kept, fix or remove it",
            TableModel.PRODUCT_PREFIX + entry.productId(), TableModel.WAITLIST_SK_PREFIX, entry.userId(),
            restock.eventId(), problem.get());
      } else {
        sendable.add(entry);
      }
    }
    return new Screened(sendable, invalid);
  }
}
