package dev.shopstream.handlers.waitlist;

import dev.shopstream.contracts.ProductBackInStock;
import dev.shopstream.contracts.TableModel;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 *
 * <p>A restock notifies only users who joined before it, so a replayed or redriven old restock does not
 * tell later joiners about stock that may be long gone. The restock's time is its stream record's
 * approximate creation time, which DynamoDB Streams gives to the second (moto to the millisecond); the
 * join time is the item's {@code joinedAt}, written by the application's clock. Both are compared at
 * whole seconds, and a join in the same second as the restock counts as before it: the stream cannot
 * order the two, and a needless "back in stock" costs less than a user never told. A skew between the
 * writer's clock and DynamoDB's moves that boundary by the skew. An entry without {@code joinedAt}
 * (items written before it existed) counts as joined before, so it is notified as it always was. A
 * joined-after entry is left waiting, unmarked and unclaimed, so the next restock reaches it.
 */
final class WaitlistScreen {
  private static final Logger LOG = LoggerFactory.getLogger(WaitlistScreen.class);

  private WaitlistScreen() {}

  /** The entries to send, how many were skipped as invalid, and how many joined after the restock. */
  record Screened(List<WaitlistEntry> sendable, int invalid, int joinedAfter) {
    Screened {
      sendable = List.copyOf(sendable);
    }

    /** Appended to the handler's result text; empty when nothing was skipped. */
    String note() {
      return (invalid == 0 ? "" : "; skipped " + invalid + " invalid waitlist entry(ies), named in the WARN log")
          + (joinedAfter == 0 ? "" : "; left " + joinedAfter + " user(s) who joined after the restock waiting");
    }
  }

  /** Whether the entry joined before {@code restockAt}, at whole seconds, a tie counting as before. */
  static boolean joinedBefore(WaitlistEntry entry, Instant restockAt) {
    return entry.joinedAt() == null
        || !entry.joinedAt().truncatedTo(ChronoUnit.SECONDS).isAfter(restockAt.truncatedTo(ChronoUnit.SECONDS));
  }

  static Screened screen(ProductBackInStock restock, List<WaitlistEntry> waiting) {
    List<WaitlistEntry> sendable = new ArrayList<>();
    int invalid = 0;
    int joinedAfter = 0;
    for (WaitlistEntry entry : waiting) {
      var problem = entry.problem();
      if (problem.isPresent()) {
        invalid++;
        LOG.warn("waitlist item {} / {}{} not notified of restock {}: {}; the item is kept, fix or remove it",
            TableModel.PRODUCT_PREFIX + entry.productId(), TableModel.WAITLIST_SK_PREFIX, entry.userId(),
            restock.eventId(), problem.get());
      } else if (!joinedBefore(entry, restock.metadata().occurredAt())) {
        joinedAfter++;
      } else {
        sendable.add(entry);
      }
    }
    return new Screened(sendable, invalid, joinedAfter);
  }
}
