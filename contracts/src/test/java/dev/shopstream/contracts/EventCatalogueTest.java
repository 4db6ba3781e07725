package dev.shopstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventCatalogueTest {

  private static final EventSource SOURCE = new EventSource("shop", "shardId-1", "000100");

  @Test
  void everyPermittedEventClassHasExactlyOneEventType() {
    Set<Class<?>> permitted = new HashSet<>();
    for (Class<?> sub : DomainEvent.class.getPermittedSubclasses()) {
      permitted.addAll(sub.isInterface() ? List.of(sub.getPermittedSubclasses()) : List.of(sub));
    }
    Set<Class<?>> catalogued = Arrays.stream(EventType.values()).map(EventType::eventClass).collect(Collectors.toSet());
    assertThat(catalogued).isEqualTo(permitted);
    assertThat(EventType.values()).hasSameSizeAs(permitted.toArray());
  }

  @Test
  void everyKnownEntityHasOneStateTypeAndStateTypesAreNotDomainEvents() {
    assertThat(EventType.stateEvents()).extracting(EventType::wireName).containsExactlyInAnyOrder(
        "user-profile-state", "order-state", "product-state", "waitlist-entry-state", "session-state");
    assertThat(EventType.domainEvents()).doesNotContainAnyElementsOf(EventType.stateEvents())
        .contains(EventType.ORDER_PLACED).hasSize(EventType.values().length - 5);
  }

  @Test
  void snapshotIdsAreStablePerExportAndItemAndDifferOtherwise() {
    EntityKey key = new EntityKey("USER#ada", "PROFILE");
    String id = EventIds.ofSnapshot("shop", "01764-abc", key, EventType.USER_PROFILE_STATE);
    assertThat(EventIds.ofSnapshot("shop", "01764-abc", new EntityKey("USER#ada", "PROFILE"),
        EventType.USER_PROFILE_STATE))
        .isEqualTo(id);
    assertThat(EventIds.ofSnapshot("shop", "01764-abd", key, EventType.USER_PROFILE_STATE)).isNotEqualTo(id);
    assertThat(EventIds.ofSnapshot("shop", "01764-abc", new EntityKey("USER#grace", "PROFILE"),
        EventType.USER_PROFILE_STATE))
        .isNotEqualTo(id);
  }

  @Test
  void wireNamesAreUniqueAndRoundTrip() {
    for (EventType type : EventType.values()) {
      assertThat(EventType.fromWireName(type.wireName())).contains(type);
    }
    assertThat(EventType.fromWireName("no-such-event")).isEmpty();
  }

  @Test
  void eventIdsAreStableForTheSameRecordAndTypeAndDifferOtherwise() {
    String first = EventIds.of(SOURCE, EventType.PRODUCT_STOCK_CHANGED);
    String again = EventIds.of(new EventSource("shop", "shardId-1", "000100"), EventType.PRODUCT_STOCK_CHANGED);
    assertThat(again).isEqualTo(first);
    assertThat(EventIds.of(SOURCE, EventType.PRODUCT_BACK_IN_STOCK)).isNotEqualTo(first);
    assertThat(EventIds.of(new EventSource("shop", "shardId-1", "000101"), EventType.PRODUCT_STOCK_CHANGED))
        .isNotEqualTo(first);
    assertThat(EventIds.of(new EventSource("shop-eu", "shardId-1", "000100"), EventType.PRODUCT_STOCK_CHANGED))
        .isNotEqualTo(first);
  }

  @Test
  void eventsRejectInconsistentPayloads() {
    EventMetadata meta = new EventMetadata("id", new EntityKey("PRODUCT#1", "META"), Instant.EPOCH, SOURCE);
    assertThatThrownBy(() -> new ProductBackInStock(meta, "1", "Lamp", 0L, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UserProfileChanged(meta, "1", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OrderLine("sku", "x", 0, BigDecimal.ONE)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void collectionsInEventsAreImmutableCopies() {
    EventMetadata meta = new EventMetadata("id", new EntityKey("USER#1", "ORDER#2026-11-24#o1"), Instant.EPOCH, SOURCE);
    var lines = new ArrayList<>(List.of(new OrderLine("sku-1", "Mug", 2, new BigDecimal("4.50"))));
    OrderPlaced placed = new OrderPlaced(meta, "1", "o1", "2026-11-24", "PLACED", new BigDecimal("9.00"),
        "EUR", lines, null);
    lines.clear();
    assertThat(placed.items()).hasSize(1);
    assertThat(placed.items().get(0).lineTotal()).isEqualByComparingTo("9.00");
    assertThat(placed.summary()).contains("o1").contains("9.00 EUR").doesNotContain("@");
  }
}
