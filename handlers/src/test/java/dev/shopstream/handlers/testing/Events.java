package dev.shopstream.handlers.testing;

import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EventIds;
import dev.shopstream.contracts.EventMetadata;
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
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.OrderState;
import dev.shopstream.contracts.ProductState;
import dev.shopstream.contracts.SessionState;
import dev.shopstream.contracts.StateVersion;
import dev.shopstream.contracts.UserProfileState;
import dev.shopstream.contracts.WaitlistEntryState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Events as the differ would make them, for handler tests. */
public final class Events {
  private static final AtomicLong SEQUENCE = new AtomicLong(1000);

  private Events() {}

  public static EventMetadata meta(String pk, String sk, EventType type) {
    EventSource source = new EventSource("shop", "shardId-1", Long.toString(SEQUENCE.incrementAndGet()));
    return new EventMetadata(EventIds.of(source, type), new EntityKey(pk, sk), Instant.parse("2026-11-27T09:30:00Z"),
        source);
  }

  public static OrderPlaced order(String orderId, String email, List<OrderLine> lines, String currency) {
    BigDecimal total = lines.stream().map(OrderLine::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    return new OrderPlaced(meta("USER#u-1", "ORDER#2026-11-27#" + orderId, EventType.ORDER_PLACED), "u-1", orderId,
        "2026-11-27", "PLACED", total, currency, lines, email);
  }

  public static ProductBackInStock restock(String productId, String name) {
    return new ProductBackInStock(meta("PRODUCT#" + productId, "META", EventType.PRODUCT_BACK_IN_STOCK),
        productId, name, 0L, 5);
  }

  /** A state event's metadata from the stream, and its version. */
  private static EventMetadata stateMeta(String pk, String sk, EventType type) {
    return meta(pk, sk, type);
  }

  private static StateVersion versionOf(EventMetadata meta) {
    return StateVersion.ofStream(meta.occurredAt(), meta.source().sequenceNumber());
  }

  /** The state of every entity type, from the stream except the product (a snapshot row) and a deleted session. */
  public static List<DomainEvent> statesOfEach() {
    EventMetadata profile = stateMeta("USER#u-1", "PROFILE", EventType.USER_PROFILE_STATE);
    EventMetadata order = stateMeta("USER#u-1", "ORDER#2026-11-27#o-1", EventType.ORDER_STATE);
    EventSource export = EventSource.ofExport("shop", "01764230000000-a1b2c3d4");
    EntityKey productKey = new EntityKey("PRODUCT#lamp", "META");
    Instant exportTime = Instant.parse("2026-11-27T09:00:00Z");
    EventMetadata product = new EventMetadata(EventIds.ofSnapshot("shop", export.sequenceNumber(), productKey,
        EventType.PRODUCT_STATE), productKey, exportTime, export);
    EventMetadata waitlist = stateMeta("PRODUCT#lamp", "WAITLIST#u-1", EventType.WAITLIST_ENTRY_STATE);
    EventMetadata session = stateMeta("SESSION#s-2", "SESSION", EventType.SESSION_STATE);
    return List.of(
        new UserProfileState(profile, "u-1", versionOf(profile),
            new UserProfileState.Profile("Ada@Example.com", List.of("name", "phone"))),
        new OrderState(order, "u-1", "o-1", "2026-11-27", versionOf(order), new OrderState.Order("SHIPPED",
            new BigDecimal("79.80"), "EUR", List.of(new OrderLine("lamp", "Desk lamp", 2, new BigDecimal("39.90"))),
            "ada@example.com")),
        new ProductState(product, "lamp", StateVersion.ofSnapshot(exportTime),
            new ProductState.Product("Desk lamp", new BigDecimal("39.90"), -2L)),
        new WaitlistEntryState(waitlist, "lamp", "u-1", versionOf(waitlist),
            new WaitlistEntryState.Entry("sms", "2026-11-27T09:31:00Z")),
        new SessionState(session, "s-2", versionOf(session), null));
  }

  /** One event of every type, with contact details where the type has them. */
  public static List<DomainEvent> oneOfEach() {
    return List.of(
        order("o-1", "Ada@Example.com", List.of(new OrderLine("lamp", "Desk lamp", 2, new BigDecimal("39.90"))), "EUR"),
        new OrderStatusChanged(meta("USER#u-1", "ORDER#2026-11-27#o-1", EventType.ORDER_STATUS_CHANGED), "u-1", "o-1",
            "PLACED", "SHIPPED"),
        new ProductStockChanged(meta("PRODUCT#lamp", "META", EventType.PRODUCT_STOCK_CHANGED), "lamp", null, 3),
        restock("lamp", "Desk lamp"),
        new UserRegistered(meta("USER#u-1", "PROFILE", EventType.USER_REGISTERED), "u-1", "ada@example.com",
            "Ada Lovelace"),
        new UserProfileChanged(meta("USER#u-1", "PROFILE", EventType.USER_PROFILE_CHANGED), "u-1",
            Map.of("phone", new FieldChange("+441632960001", null), "name", new FieldChange("Ada", "Ada Lovelace"))),
        new SessionExpired(meta("SESSION#s-1", "SESSION", EventType.SESSION_EXPIRED), "s-1", "u-1",
            Instant.parse("2026-11-27T08:00:00Z")),
        new SessionEnded(meta("SESSION#s-2", "SESSION", EventType.SESSION_ENDED), "s-2", null),
        new WaitlistJoined(meta("PRODUCT#lamp", "WAITLIST#u-1", EventType.WAITLIST_JOINED), "lamp", "u-1", "sms"),
        statesOfEach().get(0), statesOfEach().get(1), statesOfEach().get(2), statesOfEach().get(3),
        statesOfEach().get(4));
  }
}
