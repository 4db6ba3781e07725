package dev.shopstream.handlers.waitlist;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.ProductBackInStock;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * On {@code product-back-in-stock}: notify every user still waiting for the product, then mark each
 * notified entry, so a later restock reaches only those still waiting. Entries are marked batch by
 * batch as they are accepted; if any notification fails the call fails (and is retried: entries
 * already marked are not notified again).
 */
public final class StockWaitlistHandler implements EventHandler {
  public static final String NAME = "waitlist";

  private final WaitlistStore store;
  private final WaitlistNotifier notifier;
  private final Clock clock;

  public StockWaitlistHandler(WaitlistStore store, WaitlistNotifier notifier, Clock clock) {
    this.store = store;
    this.notifier = notifier;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<EventType> eventTypes() {
    return Set.of(EventType.PRODUCT_BACK_IN_STOCK);
  }

  @Override
  public HandlerResult handle(DomainEvent event) {
    ProductBackInStock restock = (ProductBackInStock) event;
    List<WaitlistEntry> waiting = store.waiting(restock.productId());
    if (waiting.isEmpty()) {
      return HandlerResult.notApplicable("nobody is waiting for product " + restock.productId());
    }
    int notified = 0;
    for (int from = 0; from < waiting.size(); from += WaitlistNotifier.MAX_BATCH) {
      List<WaitlistEntry> batch = waiting.subList(from, Math.min(from + WaitlistNotifier.MAX_BATCH, waiting.size()));
      WaitlistNotifier.Outcome outcome = notifier.publish(restock.productName(), batch);
      for (WaitlistEntry entry : outcome.delivered()) {
        store.markNotified(entry, restock.eventId(), clock.instant());
        notified++;
      }
      if (!outcome.failures().isEmpty()) {
        throw new IllegalStateException("waitlist notifications for product " + restock.productId() + " failed for "
            + outcome.failures().size() + " user(s) (" + notified + " sent and marked): " + outcome.failures());
      }
    }
    return HandlerResult.done("notified " + notified + " waitlisted user(s) of product " + restock.productId());
  }
}
