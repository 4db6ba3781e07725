package dev.shopstream.handlers.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EventMetadata;
import dev.shopstream.contracts.EventSource;
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
import dev.shopstream.contracts.EventIds;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.OrderState;
import dev.shopstream.contracts.ProductState;
import dev.shopstream.contracts.SessionState;
import dev.shopstream.contracts.StateVersion;
import dev.shopstream.contracts.UserProfileState;
import dev.shopstream.contracts.WaitlistEntryState;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The analytics contract as docs/analytics-contract.md documents it, byte for byte: the envelope built with the
 * CloudEvents SDK, for the events the document's examples describe, is exactly the documented message (compact JSON, as
 * on the wire), and every documented {@code data} example is exactly what goes out for its type. Hashes use the
 * local stack's key ({@code local-only-analytics-key}), as the document says.
 */
class CloudEventReadmeExamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CONTRACT = Path.of("..", "docs", "analytics-contract.md");
  private final CloudEventMapper mapper = new CloudEventMapper(JSON, new PiiHasher("local-only-analytics-key"));

  @Test
  void theDocumentedOrderPlacedMessageIsWhatGoesOnTheWire() throws IOException {
    String contract = Files.readString(CONTRACT);
    int at = contract.indexOf("A full message (`order-placed`");
    assertThat(at).as("the contract's full message example").isPositive();
    Matcher block = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL).matcher(contract.substring(at));
    assertThat(block.find()).isTrue();
    String documented = JSON.readTree(block.group(1)).toString(); // compact, keys and values in the documented order

    EventSource source = new EventSource("shop", "shardId-00000001795486014661-0aa52f49", "000000000000000000009");
    OrderPlaced order = new OrderPlaced(new EventMetadata("7c9e0741-ee1a-344f-b7e4-fd4ce0feb349",
        new EntityKey("USER#ada", "ORDER#2026-11-24#o-1001"), Instant.parse("2026-11-24T10:15:00Z"), source),
        "ada", "o-1001", "2026-11-24", "PLACED", new BigDecimal("89.3"), "EUR",
        List.of(new OrderLine("lamp", "Desk lamp", 2, new BigDecimal("39.9")), new OrderLine("mug", "Mug", 1,
            new BigDecimal("9.5"))),
        "ada@example.com");

    String wire = mapper.toMessage(order).body();
    assertThat(wire).isEqualTo(documented);
    CloudEvent read = CloudEventWire.read(wire);
    assertThat(read).as("the SDK reads the wire form back to the same event").isEqualTo(mapper.cloudEvent(order));
    assertThat(read.getExtension("streamsequence")).isEqualTo("000000000000000000009");
  }

  @Test
  void everyDocumentedDataExampleIsWhatGoesOutForItsType() throws IOException {
    Map<String, String> documented = new HashMap<>();
    Matcher row = Pattern.compile("(?m)^\\| `dev\\.shopstream\\.([a-z-]+)\\.v[0-9]+` \\| `(\\{.*?\\})`")
        .matcher(Files.readString(CONTRACT));
    while (row.find()) {
      documented.put(row.group(1), row.group(2));
    }
    Map<String, DomainEvent> events = new HashMap<>(Map.of(
        "user-profile-state", new UserProfileState(meta("USER#ada", "PROFILE"), "ada", streamVersion(),
            new UserProfileState.Profile("ada@example.com", List.of("name", "phone"))),
        "order-state", new OrderState(meta("USER#ada", "ORDER#2026-11-24#o-1001"), "ada", "o-1001", "2026-11-24",
            streamVersion(),
            new OrderState.Order("SHIPPED", new BigDecimal("89.3"), "EUR",
                List.of(new OrderLine("lamp", "Desk lamp", 2, new BigDecimal("39.9")), new OrderLine("mug", "Mug", 1,
                    new BigDecimal("9.5"))),
                null)),
        "product-state", new ProductState(snapshotMeta("PRODUCT#lamp", "META", EventType.PRODUCT_STATE), "lamp",
            StateVersion.ofSnapshot(Instant.parse("2026-11-24T10:00:00Z")),
            new ProductState.Product("Desk lamp", new BigDecimal("39.9"), 10L)),
        "waitlist-entry-state", new WaitlistEntryState(meta("PRODUCT#lamp", "WAITLIST#alan"), "lamp", "alan",
            streamVersion(), new WaitlistEntryState.Entry("sms", null)),
        "session-state", new SessionState(meta("SESSION#sess-ada", "SESSION"), "sess-ada", streamVersion(), null)));
    events.putAll(Map.of(
        "order-status-changed", new OrderStatusChanged(meta("USER#ada", "ORDER#2026-11-24#o-1001"), "ada", "o-1001",
            "PLACED", "SHIPPED"),
        "product-stock-changed", new ProductStockChanged(meta("PRODUCT#lamp", "META"), "lamp", 2L, -3),
        "product-back-in-stock", new ProductBackInStock(meta("PRODUCT#lamp", "META"), "lamp", "Desk lamp", -3L, 10),
        "user-registered", new UserRegistered(meta("USER#ada", "PROFILE"), "ada", "ada@example.com", "Ada Lovelace"),
        "user-profile-changed", new UserProfileChanged(meta("USER#grace", "PROFILE"), "grace",
            Map.of("name", new FieldChange("Grace", "Grace Hopper"))),
        "session-expired", new SessionExpired(meta("SESSION#sess-ada", "SESSION"), "sess-ada", "ada",
            Instant.parse("2026-11-24T09:07:15Z")),
        "session-ended", new SessionEnded(meta("SESSION#sess-alan", "SESSION"), "sess-alan", "alan"),
        "waitlist-joined", new WaitlistJoined(meta("PRODUCT#lamp", "WAITLIST#alan"), "lamp", "alan", "sms")));
    assertThat(documented.keySet()).as("a documented example per type besides order-placed").isEqualTo(events.keySet());
    events.forEach((type, event) -> {
      String data = mapper.envelope(event).get("data").toString();
      // the contract shortens the 64-digit hash to its first 8 and last 5
      if (type.equals("user-registered") || type.equals("user-profile-state")) {
        data = data.replaceAll("([0-9a-f]{8})[0-9a-f]{51}([0-9a-f]{5})", "$1...$2");
      }
      assertThat(data).as(type).isEqualTo(documented.get(type));
    });
  }

  /** The version of a change read at the stream position {@link #meta} names. */
  private static StateVersion streamVersion() {
    return StateVersion.ofStream(Instant.parse("2026-11-24T10:15:00Z"), "000000000000000000010");
  }

  private static EventMetadata snapshotMeta(String pk, String sk, EventType type) {
    EventSource export = EventSource.ofExport("shop", "01795514400000-a1b2c3d4");
    EntityKey key = new EntityKey(pk, sk);
    return new EventMetadata(EventIds.ofSnapshot("shop", export.sequenceNumber(), key, type), key,
        Instant.parse("2026-11-24T10:00:00Z"), export);
  }

  private static EventMetadata meta(String pk, String sk) {
    EventSource source = new EventSource("shop", "shardId-00000001795486014661-0aa52f49", "000000000000000000010");
    return new EventMetadata("event-" + pk + "-" + sk, new EntityKey(pk, sk), Instant.parse("2026-11-24T10:15:00Z"),
        source);
  }
}
