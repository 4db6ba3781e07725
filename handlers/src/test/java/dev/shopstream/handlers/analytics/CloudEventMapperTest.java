package dev.shopstream.handlers.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shopstream.contracts.AnalyticsSchemas;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.contracts.OrderLine;
import dev.shopstream.contracts.StateVersion;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.testing.Events;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CloudEventMapperTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PiiHasher hasher = new PiiHasher("test-key-0123456789");
  private final CloudEventMapper mapper = new CloudEventMapper(JSON, hasher);
  private final ContractValidator contract = new ContractValidator();

  @Test
  void theFixtureCoversEveryEventType() {
    Set<EventType> covered = Events.oneOfEach().stream().map(DomainEvent::type).collect(Collectors.toSet());
    assertThat(covered).isEqualTo(EnumSet.allOf(EventType.class));
  }

  @Test
  void everyEventBecomesACloudEventWhoseDataMatchesItsSchema() {
    for (DomainEvent event : Events.oneOfEach()) {
      ObjectNode envelope = mapper.envelope(event);
      assertThat(envelope.get("specversion").asText()).isEqualTo("1.0");
      assertThat(envelope.get("id").asText()).isEqualTo(event.eventId());
      int version = AnalyticsSchemas.currentVersion(event.type());
      assertThat(envelope.get("type").asText()).isEqualTo("dev.shopstream." + event.type().wireName() + ".v" + version);
      assertThat(envelope.get("source").asText()).isEqualTo("/shop-stream/tables/shop");
      assertThat(envelope.get("dataschema").asText())
          .isEqualTo("https://schemas.shopstream.dev/analytics/" + event.type().wireName() + "/v" + version + ".json");
      assertThat(envelope.get("time").asText()).isEqualTo(event.metadata().occurredAt().toString());
      if (event.metadata().source().shardId().equals(EventSource.EXPORT)) {
        assertThat(envelope.has("streamsequence")).isFalse();
        assertThat(envelope.get("snapshotexport").asText()).isEqualTo("01764230000000-a1b2c3d4");
      } else {
        assertThat(envelope.get("streamsequence").asText()).isEqualTo(event.metadata().source().sequenceNumber());
        assertThat(envelope.has("snapshotexport")).isFalse();
      }
      assertThat(contract.violations(event.type(), envelope.get("data"))).as(event.type().wireName()).isEmpty();
    }
  }

  @Test
  void noContactDetailLeavesInClearText() {
    String all = Events.oneOfEach().stream().map(e -> mapper.envelope(e).toString()).collect(Collectors.joining("\n"));
    assertThat(all).doesNotContainIgnoringCase("ada@example.com").doesNotContain("Ada Lovelace")
        .doesNotContain("+441632960001");
    ObjectNode registered = mapper.envelope(Events.oneOfEach().get(4));
    ObjectNode ordered = mapper.envelope(Events.oneOfEach().get(0));
    // the same address (in any case) hashes alike, so analytics can still join on it
    assertThat(registered.at("/data/emailHash").asText()).hasSize(64)
        .isEqualTo(ordered.at("/data/customerEmailHash").asText()).isEqualTo(hasher.hash(" ADA@example.com "));
    assertThat(mapper.envelope(Events.oneOfEach().get(5)).at("/data/changedFields").toString())
        .isEqualTo("[\"name\",\"phone\"]");
  }

  @Test
  void statesCarryTheItemsPublicStateWithContactDetailsHashedAndAVersion() {
    List<DomainEvent> states = Events.statesOfEach();
    ObjectNode profile = mapper.envelope(states.get(0));
    assertThat(profile.at("/data/state/emailHash").asText()).isEqualTo(hasher.hash("ada@example.com"));
    assertThat(profile.at("/data/state/fields").toString()).isEqualTo("[\"name\",\"phone\"]");
    assertThat(profile.at("/data/deleted").asBoolean()).isFalse();
    assertThat(StateVersion.parse(profile.at("/data/version").asText()).origin()).isEqualTo(StateVersion.Origin.STREAM);
    ObjectNode order = mapper.envelope(states.get(1));
    assertThat(order.get("data").toString()).contains("\"status\":\"SHIPPED\",\"total\":\"79.80\"")
        .contains("\"customerEmailHash\":\"" + hasher.hash("ada@example.com") + "\"");
    ObjectNode product = mapper.envelope(states.get(2));
    assertThat(product.at("/data/version").asText())
        .isEqualTo("001795770000.0.0000000000000000000000000000000000000000");
    assertThat(product.at("/data/state").toString())
        .isEqualTo("{\"name\":\"Desk lamp\",\"price\":\"39.90\",\"stock\":-2}");
    ObjectNode session = mapper.envelope(states.get(4));
    assertThat(session.at("/data/deleted").asBoolean()).isTrue();
    assertThat(session.at("/data/state").isNull()).isTrue();
    assertThat(mapper.toMessage(states.get(4)).attributes()).containsEntry("kind", "state")
        .containsEntry("type", "session-state");
    assertThat(mapper.toMessage(Events.oneOfEach().get(0)).attributes()).containsEntry("kind", "domain");
  }

  @Test
  void theStateSchemasRefuseAStateThatContradictsDeleted() {
    ObjectNode deleted = mapper.envelope(Events.statesOfEach().get(4));
    ObjectNode withState = deleted.with("data").deepCopy();
    withState.putObject("state").put("userId", "u-1").putNull("expiresAt");
    assertThat(contract.violations(EventType.SESSION_STATE, withState)).isNotEmpty();
    ObjectNode alive = mapper.envelope(Events.statesOfEach().get(2)).with("data").deepCopy();
    alive.putNull("state");
    assertThat(contract.violations(EventType.PRODUCT_STATE, alive)).isNotEmpty();
    ObjectNode badVersion = mapper.envelope(Events.statesOfEach().get(2)).with("data").deepCopy();
    badVersion.put("version", "1764230000");
    assertThat(contract.violations(EventType.PRODUCT_STATE, badVersion)).isNotEmpty();
  }

  @Test
  void hashesDependOnTheKey() {
    assertThat(new PiiHasher("another-key-0123456").hash("ada@example.com"))
        .isNotEqualTo(hasher.hash("ada@example.com"));
    assertThat(hasher.hash(null)).isNull();
    assertThatThrownBy(() -> new PiiHasher("short")).hasMessageContaining("at least 16");
  }

  @Test
  void messagesAreGroupedPerEntityAndDeduplicatedByEventId() {
    DomainEvent order = Events.oneOfEach().get(0);
    AnalyticsMessage message = mapper.toMessage(order);
    assertThat(message.groupId()).isEqualTo("USER#u-1/ORDER#2026-11-27#o-1");
    assertThat(message.deduplicationId()).isEqualTo(order.eventId());
    assertThat(message.attributes()).containsEntry("type", "order-placed").containsEntry("version", "1");
    assertThat(MessageGroups.of(new EntityKey("USER#ünïcode", "PROFILE"))).matches("[0-9a-f]{64}");
    assertThat(MessageGroups.of(new EntityKey("USER#" + "x".repeat(200), "PROFILE"))).matches("[0-9a-f]{64}");
  }

  @Test
  void theHandlerPublishesEveryEventAndRefusesContractViolations() {
    List<AnalyticsMessage> published = new ArrayList<>();
    AnalyticsSyncHandler handler = new AnalyticsSyncHandler(mapper, contract, published::add);
    Events.oneOfEach().forEach(handler::handle);
    assertThat(published).hasSize(EventType.values().length);

    // an order event with a lower-case currency breaks the contract's ^[A-Z]{3}$ pattern
    var badCurrency = Events.order("o-9", null, List.of(new OrderLine("mug", "Mug", 1, BigDecimal.ONE)), "eur");
    assertThatThrownBy(() -> handler.handle(badCurrency))
        .hasMessageContaining("would break the analytics contract dev.shopstream.order-placed.v1");
    ObjectNode leaky = mapper.envelope(Events.oneOfEach().get(4)).with("data").put("email", "ada@example.com");
    assertThat(contract.violations(EventType.USER_REGISTERED, leaky)).isNotEmpty();
    assertThat(published).hasSize(EventType.values().length);
    assertThat(handler.handle(Events.oneOfEach().get(1))).isInstanceOf(HandlerResult.Done.class);
  }
}
