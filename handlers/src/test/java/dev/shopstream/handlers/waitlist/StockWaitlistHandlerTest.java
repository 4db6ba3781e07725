package dev.shopstream.handlers.waitlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shopstream.contracts.EventMetadata;
import dev.shopstream.contracts.ProductBackInStock;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.idempotency.OnceOnly;
import dev.shopstream.handlers.testing.Events;
import dev.shopstream.handlers.testing.MemoryIdempotencyStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StockWaitlistHandlerTest {
  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  /** In-memory waitlist: userId -> entry, plus who was marked. */
  static final class MemoryStore implements WaitlistStore {
    final Map<String, WaitlistEntry> entries = new LinkedHashMap<>();
    final Map<String, String> markedFor = new ConcurrentHashMap<>();

    @Override
    public List<WaitlistEntry> waiting(String productId) {
      return entries.values().stream().filter(e -> e.productId().equals(productId)
          && !markedFor.containsKey(e.userId()))
          .toList();
    }

    @Override
    public void markNotified(WaitlistEntry entry, String restockEventId, Instant at) {
      markedFor.putIfAbsent(entry.userId(), restockEventId);
    }
  }

  /**
   * Records every batch; fails the users listed in {@code refuse} once each (throttled, a receiver
   * fault) and those in {@code senderFault} every time (as SNS refuses an invalid entry).
   */
  static final class RecordingNotifier implements WaitlistNotifier {
    final List<List<WaitlistEntry>> batches = new ArrayList<>();
    final Set<String> refuse = ConcurrentHashMap.newKeySet();
    final Set<String> senderFault = ConcurrentHashMap.newKeySet();

    @Override
    public Outcome publish(String productName, List<WaitlistEntry> entries,
        Function<WaitlistEntry, String> noticeIdOf) {
      batches.add(List.copyOf(entries));
      List<WaitlistEntry> delivered = new ArrayList<>();
      List<Failure> failures = new ArrayList<>();
      for (WaitlistEntry entry : entries) {
        if (senderFault.contains(entry.userId())) {
          failures.add(new Failure(entry, "user '" + entry.userId() + "': InvalidParameter bad attribute", true));
        } else if (refuse.remove(entry.userId())) {
          failures.add(new Failure(entry, entry.userId() + ": throttled", false));
        } else {
          delivered.add(entry);
        }
      }
      return new Outcome(delivered, failures);
    }
  }

  private final MemoryStore store = new MemoryStore();
  private final RecordingNotifier notifier = new RecordingNotifier();
  private final MemoryIdempotencyStore claims = new MemoryIdempotencyStore();
  private final StockWaitlistHandler handler =
      new StockWaitlistHandler(store, notifier, new OnceOnly(claims),
          Clock.fixed(NOW, ZoneOffset.UTC));

  private void waiting(int count) {
    for (int i = 0; i < count; i++) {
      String user = "u-" + i;
      store.entries.put(user, new WaitlistEntry("lamp", user, i % 2 == 0 ? "email" : "sms",
          i % 2 == 0 ? user + "@example.com" : "+4416329600" + i));
    }
  }

  @Test
  void notifiesEveryWaitingUserInBatchesOfTenAndMarksThem() {
    waiting(23);
    var restock = Events.restock("lamp", "Desk lamp");

    HandlerResult result = handler.handle(restock);

    assertThat(result).isEqualTo(HandlerResult.done("notified 23 waitlisted user(s) of product lamp"));
    assertThat(notifier.batches).extracting(List::size).containsExactly(10, 10, 3);
    assertThat(store.markedFor).hasSize(23).containsValue(restock.eventId());
  }

  @Test
  void aLaterRestockNotifiesOnlyThoseStillWaiting() {
    waiting(3);
    handler.handle(Events.restock("lamp", "Desk lamp"));
    store.entries.put("late", new WaitlistEntry("lamp", "late", "email", "late@example.com"));

    handler.handle(Events.restock("lamp", "Desk lamp"));

    assertThat(notifier.batches).hasSize(2);
    assertThat(notifier.batches.get(1)).extracting(WaitlistEntry::userId).containsExactly("late");
  }

  @Test
  void aRestockDeliveredAgainDoesNotNotifyAgainEvenIfTheMarkingWasLost() {
    waiting(3);
    var restock = Events.restock("lamp", "Desk lamp");
    handler.handle(restock);
    store.markedFor.clear(); // as if the worker died after notifying, before marking

    HandlerResult again = handler.handle(restock);

    assertThat(notifier.batches).hasSize(1);
    assertThat(again).isInstanceOf(HandlerResult.AlreadyDone.class);
    assertThat(store.markedFor).hasSize(3);
  }

  @Test
  void usersClaimedByAnotherAttemptAreLeftToItAndTheCallIsRetried() {
    waiting(3);
    var restock = Events.restock("lamp", "Desk lamp");
    claims.holdElsewhere("waitlist", "restock/" + restock.eventId() + "/user/u-1");

    assertThatThrownBy(() -> handler.handle(restock))
        .hasMessageContaining("/user/u-1 is being handled by another attempt");
    assertThat(notifier.batches).singleElement().satisfies(b -> assertThat(b).extracting(WaitlistEntry::userId)
        .containsExactly("u-0", "u-2"));
  }

  @Test
  void eachBatchIsClaimedJustBeforeItIsPublishedNotEveryUserUpFront() {
    waiting(25);
    List<Integer> claimedWhenPublishing = new ArrayList<>();
    WaitlistNotifier counting = new WaitlistNotifier() {
      @Override
      public Outcome publish(String productName, List<WaitlistEntry> entries,
        Function<WaitlistEntry, String> noticeIdOf) {
        claimedWhenPublishing.add(claims.inProgress().size());
        return new Outcome(entries, List.of());
      }
    };
    new StockWaitlistHandler(store, counting, new OnceOnly(claims),
        Clock.fixed(NOW, ZoneOffset.UTC)).handle(Events.restock("lamp", "Desk lamp"));

    assertThat(claimedWhenPublishing).as("claims in progress at each PublishBatch").containsExactly(10, 10, 5);
  }

  @Test
  void aPublishWhoseOutcomeIsUnknownKeepsItsClaimsAndIsNotRepeatedBeforeTheyGoStale() {
    waiting(3);
    var restock = Events.restock("lamp", "Desk lamp");
    List<List<WaitlistEntry>> calls = new ArrayList<>();
    WaitlistNotifier timingOut = new WaitlistNotifier() {
      @Override
      public Outcome publish(String productName, List<WaitlistEntry> entries,
        Function<WaitlistEntry, String> noticeIdOf) {
        calls.add(entries);
        throw EffectFailure.outcomeUnknown("PublishBatch timed out", null);
      }
    };
    var once = new OnceOnly(claims);
    StockWaitlistHandler timing = new StockWaitlistHandler(store, timingOut, once, Clock.fixed(NOW, ZoneOffset.UTC));

    assertThatThrownBy(() -> timing.handle(restock)).hasMessageContaining("timed out");
    assertThat(claims.inProgress()).as("claims kept").hasSize(3);
    assertThatThrownBy(() -> timing.handle(restock)).hasMessageContaining("outcome is unknown");
    assertThat(calls).as("not published again while the claims are live").hasSize(1);

    for (int i = 0; i < 3; i++) {
      claims.makeStale("waitlist", "restock/" + restock.eventId() + "/user/u-" + i);
    }
    new StockWaitlistHandler(store, notifier, once, Clock.fixed(NOW, ZoneOffset.UTC)).handle(restock);
    assertThat(notifier.batches).as("taken over once stale, and published").hasSize(1);
  }

  @Test
  void nobodyWaitingIsRecordedNotSent() {
    assertThat(handler.handle(Events.restock("lamp", "Desk lamp")))
        .isEqualTo(HandlerResult.notApplicable("nobody is waiting for product lamp"));
    assertThat(notifier.batches).isEmpty();
  }

  @Test
  void aPartialFailureFailsTheCallAfterMarkingWhatWasSentSoARetryOnlySendsTheRest() {
    waiting(12);
    notifier.refuse.add("u-3");
    var restock = Events.restock("lamp", "Desk lamp");

    assertThatThrownBy(() -> handler.handle(restock)).hasMessageContaining("u-3: throttled")
        .hasMessageContaining("11 sent").isInstanceOfSatisfying(EffectFailure.class,
        f -> assertThat(f.retryable()).isTrue());
    assertThat(claims.inProgress()).as("the refused user's claim is released").isEmpty();
    assertThat(store.markedFor).hasSize(11).doesNotContainKey("u-3");

    handler.handle(restock);

    assertThat(notifier.batches.get(2)).extracting(WaitlistEntry::userId).containsExactly("u-3");
    assertThat(store.markedFor).hasSize(12);
  }

  @Test
  void anEntryRefusedAsTheSendersFaultFailsTheCallPermanentlyNamingItAfterTheOtherBatches() {
    waiting(23);
    notifier.senderFault.add("u-4");
    var restock = Events.restock("lamp", "Desk lamp");

    assertThatThrownBy(() -> handler.handle(restock))
        .isInstanceOfSatisfying(EffectFailure.class, f -> assertThat(f.retryable()).as("retryable").isFalse())
        .hasMessageContaining("user 'u-4': InvalidParameter bad attribute").hasMessageContaining("22 sent")
        .hasMessageContaining("not done for 1 user(s)");
    assertThat(notifier.batches).as("the later batches still went").extracting(List::size).containsExactly(10, 10, 3);
    assertThat(store.markedFor).hasSize(22).doesNotContainKey("u-4");
    assertThat(claims.inProgress()).as("the refused user's claim is released").isEmpty();
  }

  @Test
  void aRedriveOfThePermanentFailureSendsOnlyTheRefusedEntryAgain() {
    waiting(12);
    notifier.senderFault.add("u-4");
    var restock = Events.restock("lamp", "Desk lamp");
    assertThatThrownBy(() -> handler.handle(restock)).isInstanceOf(EffectFailure.class);
    store.markedFor.clear(); // even with the markings lost, the claims say who was sent

    assertThatThrownBy(() -> handler.handle(restock))
        .isInstanceOfSatisfying(EffectFailure.class, f -> assertThat(f.retryable()).isFalse());

    assertThat(notifier.batches).hasSize(3);
    assertThat(notifier.batches.get(2)).extracting(WaitlistEntry::userId).containsExactly("u-4");
  }

  @Test
  void aSenderFaultNextToARetryableProblemLeavesTheCallRetryable() {
    waiting(12);
    notifier.senderFault.add("u-4");
    notifier.refuse.add("u-11");
    var restock = Events.restock("lamp", "Desk lamp");

    assertThatThrownBy(() -> handler.handle(restock))
        .isInstanceOfSatisfying(EffectFailure.class, f -> assertThat(f.retryable()).isTrue())
        .hasMessageContaining("u-11: throttled").hasMessageContaining("refused for good (sender fault)")
        .hasMessageContaining("user 'u-4'");

    assertThatThrownBy(() -> handler.handle(restock))
        .as("the retry sends u-4 and u-11 only; u-4 is refused again, now alone: permanent")
        .isInstanceOfSatisfying(EffectFailure.class, f -> assertThat(f.retryable()).isFalse());
    assertThat(notifier.batches.get(2)).extracting(WaitlistEntry::userId).containsExactly("u-4", "u-11");
    assertThat(store.markedFor).hasSize(11).doesNotContainKey("u-4");
  }

  @Test
  void invalidEntriesAreNeverSentNorMarkedButLoggedOnceEachAndCountedWithoutFailingTheCall() {
    waiting(3);
    store.entries.put("", new WaitlistEntry("lamp", "", "email", "nokey@example.com"));
    store.entries.put("fax", new WaitlistEntry("lamp", "fax", "fax", "+441632960999"));
    store.entries.put("blank", new WaitlistEntry("lamp", "blank", "email", " "));
    store.entries.put("none", new WaitlistEntry("lamp", "none", "", ""));
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(WaitlistScreen.class)).addAppender(logs);
    var restock = Events.restock("lamp", "Desk lamp");

    HandlerResult result;
    try {
      result = handler.handle(restock);
    } finally {
      ((Logger) LoggerFactory.getLogger(WaitlistScreen.class)).detachAppender(logs);
    }

    assertThat(result).isEqualTo(HandlerResult.done("notified 3 waitlisted user(s) of product lamp; skipped 4 invalid "
        + "waitlist entry(ies), named in the WARN log"));
    assertThat(notifier.batches).singleElement().satisfies(b -> assertThat(b).extracting(WaitlistEntry::userId)
        .containsExactly("u-0", "u-1", "u-2"));
    assertThat(store.markedFor).containsOnlyKeys("u-0", "u-1", "u-2");
    assertThat(logs.list).hasSize(4).allSatisfy(line -> {
      assertThat(line.getLevel()).isEqualTo(Level.WARN);
      assertThat(line.getFormattedMessage()).contains("PRODUCT#lamp / WAITLIST#", restock.eventId())
          .doesNotContain("@example.com", "+44");
    });
    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).anySatisfy(m -> assertThat(m)
        .contains("WAITLIST# not notified", "no user id")).anySatisfy(m -> assertThat(m)
        .contains("WAITLIST#fax", "unknown channel 'fax'")).anySatisfy(m -> assertThat(m)
        .contains("WAITLIST#blank", "empty contact")).anySatisfy(m -> assertThat(m)
        .contains("WAITLIST#none", "neither a non-blank 'email' nor a non-blank 'phone'"));
  }

  @Test
  void aRestockWhoseWaitingEntriesAreAllInvalidIsNotApplicableAndSaysWhy() {
    store.entries.put("", new WaitlistEntry("lamp", "", "email", "nokey@example.com"));

    assertThat(handler.handle(Events.restock("lamp", "Desk lamp"))).isEqualTo(HandlerResult.notApplicable(
        "nobody to notify for product lamp; skipped 1 invalid waitlist entry(ies), named in the WARN log"));
    assertThat(notifier.batches).isEmpty();
    assertThat(store.markedFor).isEmpty();
  }

  private static ProductBackInStock restockAt(String at) {
    EventMetadata meta = Events.restock("lamp", "Desk lamp").metadata();
    return new ProductBackInStock(new EventMetadata(meta.eventId(), meta.entityKey(), Instant.parse(at), meta.source()),
        "lamp", "Desk lamp", 0L, 5);
  }

  private void joined(String user, String at) {
    store.entries.put(user, new WaitlistEntry("lamp", user, "email", user + "@example.com",
        at == null ? null : Instant.parse(at)));
  }

  @Test
  void aRestockNotifiesOnlyUsersWhoJoinedBeforeItOrInTheSameSecondOrWithoutAJoinTime() {
    joined("before", "2026-11-27T09:29:59.999Z");
    joined("same-second-later", "2026-11-27T09:30:00.900Z");
    joined("no-join-time", null);
    joined("after", "2026-11-27T09:30:01Z");
    joined("long-after", "2026-11-28T08:00:00Z");

    HandlerResult result = handler.handle(restockAt("2026-11-27T09:30:00.400Z"));

    assertThat(result).isEqualTo(HandlerResult.done("notified 3 waitlisted user(s) of product lamp; left 2 user(s) "
        + "who joined after the restock waiting"));
    assertThat(notifier.batches).singleElement().satisfies(b -> assertThat(b).extracting(WaitlistEntry::userId)
        .containsExactly("before", "same-second-later", "no-join-time"));
    assertThat(store.markedFor).containsOnlyKeys("before", "same-second-later", "no-join-time");
    assertThat(claims.inProgress()).as("nothing claimed for those left waiting").isEmpty();
  }

  @Test
  void anOldRestockReplayedLaterLeavesLaterJoinersForTheNextRestock() {
    joined("early", "2026-11-20T12:00:00Z");
    joined("late", "2026-11-27T12:00:00Z");
    var oldRestock = restockAt("2026-11-21T08:00:00Z");
    handler.handle(oldRestock);

    HandlerResult replayed = handler.handle(oldRestock);
    HandlerResult next = handler.handle(restockAt("2026-11-28T08:00:00Z"));

    assertThat(replayed).as("the replay: early already marked, late still after it").isEqualTo(
        HandlerResult.notApplicable("nobody to notify for product lamp; left 1 user(s) who joined after the restock "
            + "waiting"));
    assertThat(next).isEqualTo(HandlerResult.done("notified 1 waitlisted user(s) of product lamp"));
    assertThat(notifier.batches).extracting(b -> b.get(0).userId()).containsExactly("early", "late");
    assertThat(store.markedFor).containsEntry("early", oldRestock.eventId()).doesNotContainEntry("late",
        oldRestock.eventId());
  }
}
