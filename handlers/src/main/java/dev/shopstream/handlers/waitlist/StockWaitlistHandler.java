package dev.shopstream.handlers.waitlist;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.ProductBackInStock;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.idempotency.Claim;
import dev.shopstream.handlers.idempotency.IdempotencyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On {@code product-back-in-stock}: notify every user still waiting for the product, once per user
 * and restock, then mark the entry notified so a later restock reaches only those still waiting.
 *
 * <p>Each user's notification is claimed first (scope "waitlist", key "restock/<event id>/user/<user id>"):
 * a replayed or redelivered restock skips users already notified. Accepted notifications are completed
 * and marked batch by batch; if any fails, the call fails retryably and the retry sends only the rest.
 */
public final class StockWaitlistHandler implements EventHandler {
  public static final String NAME = "waitlist";
  private static final Logger LOG = LoggerFactory.getLogger(StockWaitlistHandler.class);

  private final WaitlistStore store;
  private final WaitlistNotifier notifier;
  private final IdempotencyStore claims;
  private final Clock clock;

  public StockWaitlistHandler(WaitlistStore store, WaitlistNotifier notifier, IdempotencyStore claims, Clock clock) {
    this.store = store;
    this.notifier = notifier;
    this.claims = claims;
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
    List<WaitlistEntry> toNotify = new ArrayList<>();
    List<String> heldElsewhere = new ArrayList<>();
    int alreadyNotified = 0;
    for (WaitlistEntry entry : waiting) {
      Claim claim = claims.claim(NAME, key(restock, entry), restock.eventId());
      if (claim instanceof Claim.Completed) {
        store.markNotified(entry, restock.eventId(), clock.instant());
        alreadyNotified++;
      } else if (claim instanceof Claim.HeldElsewhere) {
        heldElsewhere.add(entry.userId());
      } else {
        if (((Claim.Acquired) claim).takeover()) {
          LOG.warn("took over the stale claim for user {} of restock {}: may notify twice", entry.userId(), restock.eventId());
        }
        toNotify.add(entry);
      }
    }
    int notified = notify(restock, toNotify);
    if (!heldElsewhere.isEmpty()) {
      throw EffectFailure.retryable("waitlist users " + heldElsewhere + " of product " + restock.productId()
          + " are being notified by another attempt", null);
    }
    if (notified == 0) {
      return HandlerResult.alreadyDone(alreadyNotified + " waitlisted user(s) of product " + restock.productId()
          + " were notified before");
    }
    return HandlerResult.done("notified " + notified + " waitlisted user(s) of product " + restock.productId());
  }

  private int notify(ProductBackInStock restock, List<WaitlistEntry> entries) {
    int notified = 0;
    for (int from = 0; from < entries.size(); from += WaitlistNotifier.MAX_BATCH) {
      List<WaitlistEntry> batch = entries.subList(from, Math.min(from + WaitlistNotifier.MAX_BATCH, entries.size()));
      WaitlistNotifier.Outcome outcome;
      try {
        outcome = notifier.publish(restock.productName(), batch);
      } catch (RuntimeException e) {
        release(restock, entries.subList(from, entries.size()));
        throw e;
      }
      for (WaitlistEntry entry : outcome.delivered()) {
        claims.complete(NAME, key(restock, entry), "notified by " + entry.channel());
        store.markNotified(entry, restock.eventId(), clock.instant());
        notified++;
      }
      if (!outcome.failures().isEmpty()) {
        List<WaitlistEntry> notDelivered = new ArrayList<>(entries.subList(from, entries.size()));
        notDelivered.removeAll(outcome.delivered());
        release(restock, notDelivered);
        throw EffectFailure.retryable("waitlist notifications for product " + restock.productId() + " failed for "
            + outcome.failures().size() + " user(s) (" + notified + " sent and marked): " + outcome.failures(), null);
      }
    }
    return notified;
  }

  private void release(ProductBackInStock restock, List<WaitlistEntry> entries) {
    for (WaitlistEntry entry : entries) {
      try {
        claims.release(NAME, key(restock, entry));
      } catch (RuntimeException e) {
        LOG.warn("could not release claim of user {} (it goes stale by itself): {}", entry.userId(), e.toString());
      }
    }
  }

  private static String key(ProductBackInStock restock, WaitlistEntry entry) {
    return "restock/" + restock.eventId() + "/user/" + entry.userId();
  }
}
