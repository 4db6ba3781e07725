package dev.shopstream.pipeline.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EventIds;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.FieldChange;
import dev.shopstream.contracts.OrderLine;
import dev.shopstream.contracts.OrderPlaced;
import dev.shopstream.contracts.OrderStatusChanged;
import dev.shopstream.contracts.ProductBackInStock;
import dev.shopstream.contracts.ProductStockChanged;
import dev.shopstream.contracts.SessionEnded;
import dev.shopstream.contracts.SessionExpired;
import dev.shopstream.contracts.UserProfileChanged;
import dev.shopstream.contracts.UserRegistered;
import dev.shopstream.contracts.WaitlistJoined;
import dev.shopstream.contracts.EntityState;
import dev.shopstream.contracts.OrderState;
import dev.shopstream.contracts.ProductState;
import dev.shopstream.contracts.SessionState;
import dev.shopstream.contracts.StateVersion;
import dev.shopstream.contracts.UserProfileState;
import dev.shopstream.contracts.WaitlistEntryState;
import dev.shopstream.pipeline.stream.StreamChange;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import dev.shopstream.pipeline.testing.Fixtures;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageDifferTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private final ImageDiffer differ = ImageDiffer.standard(Clock.fixed(NOW, ZoneOffset.UTC));

  private List<DomainEvent> events(String fixture) {
    DiffOutcome outcome = differ.diff(Fixtures.change(fixture));
    assertThat(outcome).as("outcome of %s", fixture).isInstanceOf(DiffOutcome.Derived.class);
    return ((DiffOutcome.Derived) outcome).events();
  }

  private String rejection(String fixture) {
    DiffOutcome outcome = differ.diff(Fixtures.change(fixture));
    assertThat(outcome).as("outcome of %s", fixture).isInstanceOf(DiffOutcome.Rejected.class);
    return ((DiffOutcome.Rejected) outcome).reason();
  }

  private EntityState state(String fixture) {
    DiffOutcome outcome = differ.diff(Fixtures.change(fixture));
    assertThat(outcome).as("outcome of %s", fixture).isInstanceOf(DiffOutcome.Derived.class);
    DiffOutcome.Derived derived = (DiffOutcome.Derived) outcome;
    assertThat(derived.delivered()).as("domain events first, then the state").endsWith(derived.state());
    return derived.state();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "order-insert.json | order-state | false",
      "order-status-unchanged-tracking-added.json | order-state | false",
      "order-remove.json | order-state | true",
      "product-stock-0-to-0-price-change.json | product-state | false",
      "profile-modify-noop.json | user-profile-state | false",
      "waitlist-marked-notified.json | waitlist-entry-state | false",
      "session-ttl-remove.json | session-state | true",
      "session-user-remove.json | session-state | true"})
  void everyChangeOfAKnownItemCarriesItsStateVersionedByItsSecondAndSequence(String fixture, String type,
      boolean deleted) {
    EntityState state = state(fixture);
    assertThat(state.type().wireName()).isEqualTo(type);
    assertThat(state.deleted()).isEqualTo(deleted);
    var change = Fixtures.change(fixture);
    assertThat(state.version()).isEqualTo(StateVersion.ofStream(change.approximateCreationTime(),
        change.source().sequenceNumber()));
    assertThat(state.eventId()).isEqualTo(EventIds.of(change.source(), state.type()));
  }

  @Test
  void statesCarryWhatTheItemHoldsNow() {
    OrderState order = (OrderState) state("order-status-shipped.json");
    assertThat(order.state().status()).isEqualTo("SHIPPED");
    assertThat(order.state().total()).isEqualByComparingTo("89.40");
    assertThat(order.orderDate()).isEqualTo("2026-11-27");
    assertThat(order.state().items()).containsExactly(new OrderLine("lamp", null, 2, new BigDecimal("44.70")));
    ProductState product = (ProductState) state("product-stock-1-to-minus-4.json");
    assertThat(product.state().stock()).isEqualTo(-4L);
    WaitlistEntryState entry = (WaitlistEntryState) state("waitlist-marked-notified.json");
    assertThat(entry.state().notifiedAt()).isNotNull();
    UserProfileState profile = (UserProfileState) state("profile-insert.json");
    assertThat(profile.state().fields()).doesNotContain("email", "PK", "SK", "updatedAt", "version");
    assertThat(((SessionState) state("session-ttl-remove.json")).state()).isNull();
  }

  @Test
  void anOrderModifySettingTotalToTextIsRejectedNotAStatusChange() {
    assertThat(rejection("order-modify-total-as-string.json"))
        .isEqualTo("order USER#u-17 / ORDER#2026-11-27#ord-5501: new image: attribute 'total' must be a number (N) "
            + "but is S");
  }

  @Test
  void aSnapshotRowIsTheItemsStateAtTheExportTime() {
    Instant exportTime = Instant.parse("2026-11-24T10:00:00.750Z");
    Map<String, AttributeValue> item = Map.of("PK", AttributeValue.fromS("PRODUCT#lamp"), "SK",
        AttributeValue.fromS("META"), "name", AttributeValue.fromS("Desk lamp"), "price",
        AttributeValue.fromN("39.9"), "stock", AttributeValue.fromN("3"));
    DiffOutcome outcome = differ.snapshotRow(item, "shop", "exp-1", exportTime);
    ProductState state = (ProductState) ((DiffOutcome.Derived) outcome).state();
    assertThat(((DiffOutcome.Derived) outcome).events()).isEmpty();
    assertThat(state.version()).isEqualTo(StateVersion.ofSnapshot(exportTime));
    assertThat(state.state()).isEqualTo(new ProductState.Product("Desk lamp", new BigDecimal("39.9"), 3L));
    assertThat(state.metadata().source()).isEqualTo(EventSource.ofExport("shop", "exp-1"));
    assertThat(state.eventId()).isEqualTo(EventIds.ofSnapshot("shop", "exp-1", new EntityKey("PRODUCT#lamp", "META"),
        EventType.PRODUCT_STATE));

    Map<String, AttributeValue> bad = new HashMap<>(item);
    bad.put("stock", AttributeValue.fromS("many"));
    assertThat(differ.snapshotRow(bad, "shop", "exp-1", exportTime)).isEqualTo(new DiffOutcome.Rejected(
        "product PRODUCT#lamp / META: item: attribute 'stock' must be a number (N) but is S"));
    assertThat(differ.snapshotRow(Map.of("PK", AttributeValue.fromS("USER#1"), "SK", AttributeValue.fromS("CART#7")),
        "shop", "exp-1", exportTime)).isEqualTo(new DiffOutcome.Unrecognized("USER#/CART#"));
  }

  @Test
  void restockFromZeroIsAStockChangeAndBackInStock() {
    List<DomainEvent> events = events("product-stock-0-to-3.json");
    assertThat(events).extracting(DomainEvent::type)
        .containsExactly(EventType.PRODUCT_STOCK_CHANGED, EventType.PRODUCT_BACK_IN_STOCK);
    ProductStockChanged changed = (ProductStockChanged) events.get(0);
    assertThat(changed.productId()).isEqualTo("lamp-1");
    assertThat(changed.previousStock()).isEqualTo(0L);
    assertThat(changed.newStock()).isEqualTo(3L);
    ProductBackInStock back = (ProductBackInStock) events.get(1);
    assertThat(back.productName()).isEqualTo("Desk lamp");
    assertThat(back.newStock()).isEqualTo(3L);
    assertThat(back.metadata().entityKey()).isEqualTo(new EntityKey("PRODUCT#lamp-1", "META"));
    assertThat(back.metadata().occurredAt()).isEqualTo(Instant.ofEpochSecond(1795996800));
  }

  @Test
  void sellingOutIsAStockChangeOnly() {
    List<DomainEvent> events = events("product-stock-5-to-0.json");
    assertThat(events).singleElement().isInstanceOfSatisfying(ProductStockChanged.class, e -> {
      assertThat(e.previousStock()).isEqualTo(5L);
      assertThat(e.newStock()).isZero();
    });
  }

  @Test
  void zeroToZeroWithAPriceChangeYieldsNothing() {
    assertThat(events("product-stock-0-to-0-price-change.json")).isEmpty();
  }

  @Test
  void stockAppearingOnInsertIsBackInStockFromAbsent() {
    List<DomainEvent> events = events("product-stock-absent-to-3-insert.json");
    assertThat(events).extracting(DomainEvent::type)
        .containsExactly(EventType.PRODUCT_STOCK_CHANGED, EventType.PRODUCT_BACK_IN_STOCK);
    assertThat(((ProductBackInStock) events.get(1)).previousStock()).isNull();
  }

  @Test
  void stockAttributeAddedByModifyIsBackInStockFromAbsent() {
    List<DomainEvent> events = events("product-stock-absent-to-3-modify.json");
    assertThat(events).extracting(DomainEvent::type)
        .containsExactly(EventType.PRODUCT_STOCK_CHANGED, EventType.PRODUCT_BACK_IN_STOCK);
    assertThat(((ProductStockChanged) events.get(0)).previousStock()).isNull();
  }

  @Test
  void aNegativeStockIsABackorderNotMalformed() {
    List<DomainEvent> events = events("product-stock-1-to-minus-4.json");
    assertThat(events).singleElement().isInstanceOfSatisfying(ProductStockChanged.class, e -> {
      assertThat(e.previousStock()).isEqualTo(1L);
      assertThat(e.newStock()).isEqualTo(-4L);
    });
  }

  @Test
  void restockFromABackorderIsBackInStock() {
    List<DomainEvent> events = events("product-stock-minus-2-to-3.json");
    assertThat(events).extracting(DomainEvent::type)
        .containsExactly(EventType.PRODUCT_STOCK_CHANGED, EventType.PRODUCT_BACK_IN_STOCK);
    assertThat(((ProductBackInStock) events.get(1)).previousStock()).isEqualTo(-2L);
  }

  @Test
  void restockFromAPositiveLevelIsNotBackInStock() {
    List<DomainEvent> events = events("product-stock-2-to-7.json");
    assertThat(events).singleElement().isInstanceOfSatisfying(ProductStockChanged.class,
        e -> assertThat(e.newStock()).isEqualTo(7L));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "product-stock-as-string.json | attribute 'stock' must be a number (N) but is S",
      "product-stock-fractional.json | attribute 'stock' must be a whole number, was 2.5",
      "product-stock-huge.json | attribute 'stock' is out of range",
      "order-missing-order-id.json | has no order id: expected ORDER#<iso-date>#<orderId>",
      "order-total-as-string.json | attribute 'total' must be a number (N) but is S",
      "order-modify-total-as-string.json | new image: attribute 'total' must be a number (N) but is S",
      "key-not-a-string.json | key attribute 'PK' must be a non-empty string (S) but is N",
      "modify-without-old-image.json | must use the NEW_AND_OLD_IMAGES view type"})
  void malformedKnownItemsAreRejectedWithAReason(String fixture, String reason) {
    assertThat(rejection(fixture)).contains(reason);
  }

  @Test
  void rejectionNamesTheEntityAndKey() {
    assertThat(rejection("product-stock-as-string.json")).startsWith("product PRODUCT#mug-9 / META: new image:");
  }

  @Test
  void orderInsertIsOrderPlacedWithLinesTotalsAndEmail() {
    OrderPlaced placed = (OrderPlaced) events("order-insert.json").get(0);
    assertThat(placed.userId()).isEqualTo("u-17");
    assertThat(placed.orderId()).isEqualTo("ord-5501");
    assertThat(placed.orderDate()).isEqualTo("2026-11-27");
    assertThat(placed.status()).isEqualTo("PLACED");
    assertThat(placed.total()).isEqualByComparingTo("89.40");
    assertThat(placed.currency()).isEqualTo("EUR");
    assertThat(placed.customerEmail()).isEqualTo("ada@example.com");
    assertThat(placed.items()).containsExactly(
        new OrderLine("lamp-1", "Desk lamp", 2, new BigDecimal("39.90")),
        new OrderLine("mug-9", "Mug", 1, new BigDecimal("9.60")));
  }

  @Test
  void orderStatusChangeIsReportedWithBothStatuses() {
    assertThat(events("order-status-shipped.json")).singleElement()
        .isInstanceOfSatisfying(OrderStatusChanged.class, e -> {
      assertThat(e.orderId()).isEqualTo("ord-5501");
      assertThat(e.previousStatus()).isEqualTo("PLACED");
      assertThat(e.newStatus()).isEqualTo("SHIPPED");
    });
  }

  @Test
  void orderModifiedWithoutStatusChangeYieldsNothing() {
    assertThat(events("order-status-unchanged-tracking-added.json")).isEmpty();
  }

  @Test
  void orderRemovalYieldsNothing() {
    assertThat(events("order-remove.json")).isEmpty();
  }

  @Test
  void profileInsertIsUserRegistered() {
    assertThat(events("profile-insert.json")).singleElement().isInstanceOfSatisfying(UserRegistered.class, e -> {
      assertThat(e.userId()).isEqualTo("u-17");
      assertThat(e.email()).isEqualTo("ada@example.com");
      assertThat(e.name()).isEqualTo("Ada Lovelace");
    });
  }

  @Test
  void profileChangeListsChangedFieldsWithOldAndNewValues() {
    UserProfileChanged changed = (UserProfileChanged) events("profile-modify.json").get(0);
    assertThat(changed.changes()).containsOnlyKeys("email", "phone", "marketingOptIn");
    assertThat(changed.changes().get("email")).isEqualTo(new FieldChange("ada@example.com", "ada@example.org"));
    assertThat(changed.changes().get("phone")).isEqualTo(new FieldChange("+441234", null));
    assertThat(changed.changes().get("marketingOptIn")).isEqualTo(new FieldChange(null, true));
  }

  @Test
  void profileModifyTouchingOnlyBookkeepingYieldsNothing() {
    assertThat(events("profile-modify-noop.json")).isEmpty();
  }

  @Test
  void ttlRemovalIsSessionExpired() {
    assertThat(events("session-ttl-remove.json")).singleElement().isInstanceOfSatisfying(SessionExpired.class, e -> {
      assertThat(e.sessionId()).isEqualTo("sess-1");
      assertThat(e.userId()).isEqualTo("u-17");
      assertThat(e.expiresAt()).isEqualTo(Instant.ofEpochSecond(1795996000));
    });
  }

  @Test
  void applicationRemovalIsSessionEndedNotExpired() {
    assertThat(events("session-user-remove.json")).singleElement().isInstanceOf(SessionEnded.class);
  }

  @Test
  void removalByAnotherServicePrincipalIsNotATtlExpiry() {
    assertThat(events("session-remove-by-other-service.json")).singleElement().isInstanceOf(SessionEnded.class);
  }

  @Test
  void waitlistInsertIsJoinedWithTheChannelButNoContact() {
    assertThat(events("waitlist-insert.json")).singleElement().isInstanceOfSatisfying(WaitlistJoined.class, e -> {
      assertThat(e.productId()).isEqualTo("lamp-1");
      assertThat(e.userId()).isEqualTo("u-17");
      assertThat(e.channel()).isEqualTo("sms");
    });
  }

  @Test
  void markingAWaitlistEntryNotifiedYieldsNothing() {
    assertThat(events("waitlist-marked-notified.json")).isEmpty();
  }

  @Test
  void unknownItemShapesAreUnrecognizedNotRejected() {
    assertThat(differ.diff(Fixtures.change("unknown-cart-item.json")))
        .isEqualTo(new DiffOutcome.Unrecognized("USER#/CART#"));
  }

  @Test
  void eventIdsAreDerivedFromTheStreamPositionSoReplaysAgree() {
    List<DomainEvent> first = events("product-stock-0-to-3.json");
    List<DomainEvent> again = events("product-stock-0-to-3.json");
    assertThat(again).isEqualTo(first);
    assertThat(first.get(1).eventId())
        .isEqualTo(EventIds.of(new EventSource("shop", Fixtures.SHARD, "1000"), EventType.PRODUCT_BACK_IN_STOCK));
  }

  @Test
  void recordsWithoutCreationTimeAreDatedByTheClock() {
    var change = Fixtures.change("profile-insert.json");
    var undated = new StreamChange(change.source(), change.kind(), change.keys(),
        change.oldImage(), change.newImage(), null, null, null);
    var derived = (DiffOutcome.Derived) differ.diff(undated);
    assertThat(derived.events().get(0).metadata().occurredAt()).isEqualTo(NOW);
  }
}
