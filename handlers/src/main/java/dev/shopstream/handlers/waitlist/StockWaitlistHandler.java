package dev.shopstream.handlers.waitlist;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.ProductBackInStock;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.idempotency.OnceOnly;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * On {@code product-back-in-stock}: notify every user still waiting for the product, once per user
 * and restock, then mark the entry notified so a later restock reaches only those still waiting.
 *
 * <p>The waiting users are cut into PublishBatch calls (by count and bytes, {@link WaitlistNotifier#batches});
 * each call's users are claimed through {@link OnceOnly#runBatch} just before it is made (scope
 * "waitlist", key "restock/<event id>/user/<user id>"), so no claim waits behind other calls. A
 * replayed or redelivered restock skips users already notified. If any user's notification fails or
 * is held by another attempt, the call fails retryably after the other batches, and the retry sends
 * only the rest.
 */
public final class StockWaitlistHandler implements EventHandler {
  public static final String NAME = "waitlist";

  private final WaitlistStore store;
  private final WaitlistNotifier notifier;
  private final OnceOnly once;
  private final Clock clock;

  public StockWaitlistHandler(WaitlistStore store, WaitlistNotifier notifier, OnceOnly once, Clock clock) {
    this.store = store;
    this.notifier = notifier;
    this.once = once;
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
    int alreadyNotified = 0;
    List<String> problems = new ArrayList<>();
    for (List<WaitlistEntry> batch : notifier.batches(restock.productName(), waiting)) {
      OnceOnly.BatchOutcome<WaitlistEntry> outcome = once.runBatch(NAME, restock, batch, entry -> key(restock, entry),
          claimed -> publish(restock, claimed.stream().map(OnceOnly.Ticketed::item).toList()));
      for (WaitlistEntry entry : outcome.ranNow()) {
        store.markNotified(entry, restock.eventId(), clock.instant());
      }
      for (WaitlistEntry entry : outcome.alreadyDone()) {
        store.markNotified(entry, restock.eventId(), clock.instant());
      }
      notified += outcome.ranNow().size();
      alreadyNotified += outcome.alreadyDone().size();
      problems.addAll(outcome.problems());
    }
    if (!problems.isEmpty()) {
      throw EffectFailure.retryable("waitlist notifications for product " + restock.productId() + " not done for "
          + problems.size() + " user(s) (" + notified + " sent and marked): " + problems, null);
    }
    if (notified == 0) {
      return HandlerResult.alreadyDone(alreadyNotified + " waitlisted user(s) of product " + restock.productId()
          + " were notified before");
    }
    return HandlerResult.done("notified " + notified + " waitlisted user(s) of product " + restock.productId());
  }

  private OnceOnly.BatchResult<WaitlistEntry> publish(ProductBackInStock restock, List<WaitlistEntry> entries) {
    WaitlistNotifier.Outcome outcome = notifier.publish(restock.productName(), entries);
    Map<WaitlistEntry, String> notDone = new HashMap<>();
    for (WaitlistEntry entry : entries) {
      if (!outcome.delivered().contains(entry)) {
        notDone.put(entry, "not accepted by the topic (" + outcome.failures().stream()
            .filter(f -> f.startsWith("user " + entry.userId() + ":") || f.startsWith(entry.userId() + ":")).findFirst().orElse("no answer for it") + ")");
      }
    }
    return new OnceOnly.BatchResult<>(outcome.delivered(), notDone);
  }

  private static String key(ProductBackInStock restock, WaitlistEntry entry) {
    return "restock/" + restock.eventId() + "/user/" + entry.userId();
  }
}
