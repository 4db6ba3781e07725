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
import java.util.Optional;
import java.util.Set;

/**
 * On {@code product-back-in-stock}: notify every user still waiting for the product, once per user
 * and restock, then mark the entry notified so a later restock reaches only those still waiting.
 * Entries that cannot be sent are skipped, logged and counted first ({@link WaitlistScreen}).
 *
 * <p>The waiting users are cut into PublishBatch calls (by count and bytes, {@link WaitlistNotifier#batches});
 * each call's users are claimed through {@link OnceOnly#runBatch} just before it is made (scope
 * "waitlist", key "restock/<event id>/user/<user id>"), so no claim waits behind other calls. A
 * replayed or redelivered restock skips users already notified. If any user's notification fails or
 * is held by another attempt, the call fails after the other batches, and the retry sends only the
 * rest: retryably while any problem may pass (throttling, a claim held elsewhere, an unknown outcome),
 * permanently (dead-lettered, naming the users) when only entries SNS refused as the sender's fault remain.
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
    WaitlistScreen.Screened screened = WaitlistScreen.screen(restock, waiting);
    if (screened.sendable().isEmpty()) {
      return HandlerResult.notApplicable("nobody to notify for product " + restock.productId() + screened.note());
    }
    int notified = 0;
    int alreadyNotified = 0;
    List<String> retryable = new ArrayList<>();
    List<String> permanent = new ArrayList<>();
    for (List<WaitlistEntry> batch : notifier.batches(restock.productName(), screened.sendable())) {
      Map<WaitlistEntry, String> refused = new HashMap<>();
      OnceOnly.BatchOutcome<WaitlistEntry> outcome = once.runBatch(NAME, restock, batch, entry -> key(restock, entry),
          claimed -> publish(restock, claimed, refused));
      for (WaitlistEntry entry : outcome.ranNow()) {
        store.markNotified(entry, restock.eventId(), clock.instant());
      }
      for (WaitlistEntry entry : outcome.alreadyDone()) {
        store.markNotified(entry, restock.eventId(), clock.instant());
      }
      notified += outcome.ranNow().size();
      alreadyNotified += outcome.alreadyDone().size();
      sortProblems(outcome, refused, retryable, permanent);
    }
    failIfNotAllDone(restock, notified + " sent and marked" + screened.note(), retryable, permanent);
    if (notified == 0) {
      return HandlerResult.alreadyDone(alreadyNotified + " waitlisted user(s) of product " + restock.productId()
          + " were notified before" + screened.note());
    }
    return HandlerResult.done("notified " + notified + " waitlisted user(s) of product " + restock.productId()
        + screened.note());
  }

  /**
   * Splits the batch's problems: an entry the topic refused for a sender fault is permanent, anything
   * else (held by another attempt, outcome unknown, a receiver fault, no answer) retryable. Relies on
   * {@link OnceOnly.BatchOutcome}'s {@code deferred} and {@code problems} being parallel lists; if they
   * ever are not, every problem counts as retryable (the safe side: nothing is dead-lettered early).
   */
  private static void sortProblems(OnceOnly.BatchOutcome<WaitlistEntry> outcome, Map<WaitlistEntry, String> refused,
      List<String> retryable, List<String> permanent) {
    if (outcome.deferred().size() != outcome.problems().size()) {
      retryable.addAll(outcome.problems());
      return;
    }
    for (int i = 0; i < outcome.deferred().size(); i++) {
      String senderFault = refused.get(outcome.deferred().get(i));
      if (senderFault != null) {
        permanent.add(senderFault);
      } else {
        retryable.add(outcome.problems().get(i));
      }
    }
  }

  /**
   * Called after every batch was tried, so one bad entry never holds back the others. Any retryable
   * problem makes the whole call retryable (the retry also re-tries the permanent ones, cheaply); only
   * when nothing but sender faults remain is the failure permanent, so the record is dead-lettered at
   * once instead of after an hour of retries. Users already notified stay claimed done: a redrive
   * re-sends only the rest.
   */
  private static void failIfNotAllDone(ProductBackInStock restock, String progress, List<String> retryable,
      List<String> permanent) {
    if (retryable.isEmpty() && permanent.isEmpty()) {
      return;
    }
    String head = "waitlist notifications for product " + restock.productId() + " not done for "
        + (retryable.size() + permanent.size()) + " user(s) (" + progress + "): ";
    if (!retryable.isEmpty()) {
      throw EffectFailure.retryable(head + retryable
          + (permanent.isEmpty() ? "" : "; refused for good (sender fault): " + permanent), null);
    }
    throw EffectFailure.permanent(head + "refused by the topic for good (sender fault), sending them again "
        + "would fail again: " + permanent, null);
  }

  /**
   * Publishes the claimed entries, each with its claim's tag as the notice id (stable across attempts);
   * sender-fault refusals are also noted in {@code refused}.
   */
  private OnceOnly.BatchResult<WaitlistEntry> publish(ProductBackInStock restock,
      List<OnceOnly.Ticketed<WaitlistEntry>> claimed, Map<WaitlistEntry, String> refused) {
    List<WaitlistEntry> entries = claimed.stream().map(OnceOnly.Ticketed::item).toList();
    Map<WaitlistEntry, String> noticeIds = new HashMap<>();
    claimed.forEach(t -> noticeIds.put(t.item(), t.ticket().claimTag()));
    WaitlistNotifier.Outcome outcome = notifier.publish(restock.productName(), entries, noticeIds::get);
    Map<WaitlistEntry, String> notDone = new HashMap<>();
    for (WaitlistEntry entry : entries) {
      if (outcome.delivered().contains(entry)) {
        continue;
      }
      Optional<WaitlistNotifier.Failure> failure = outcome.failureOf(entry);
      notDone.put(entry, "not accepted by the topic (" + failure.map(WaitlistNotifier.Failure::reason)
          .orElse("no answer for it") + ")");
      failure.filter(WaitlistNotifier.Failure::permanent).ifPresent(f -> refused.put(entry, f.reason()));
    }
    return new OnceOnly.BatchResult<>(outcome.delivered(), notDone);
  }

  private static String key(ProductBackInStock restock, WaitlistEntry entry) {
    return "restock/" + restock.eventId() + "/user/" + entry.userId();
  }
}
