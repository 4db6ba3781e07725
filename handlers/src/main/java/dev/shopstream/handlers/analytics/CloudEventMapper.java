package dev.shopstream.handlers.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shopstream.contracts.AnalyticsSchemas;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityState;
import dev.shopstream.contracts.OrderLine;
import dev.shopstream.contracts.OrderState;
import dev.shopstream.contracts.ProductState;
import dev.shopstream.contracts.SessionState;
import dev.shopstream.contracts.StateVersion;
import dev.shopstream.contracts.UserProfileState;
import dev.shopstream.contracts.WaitlistEntryState;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.OrderPlaced;
import dev.shopstream.contracts.OrderStatusChanged;
import dev.shopstream.contracts.ProductBackInStock;
import dev.shopstream.contracts.ProductStockChanged;
import dev.shopstream.contracts.SessionEnded;
import dev.shopstream.contracts.SessionExpired;
import dev.shopstream.contracts.UserProfileChanged;
import dev.shopstream.contracts.UserRegistered;
import dev.shopstream.contracts.WaitlistJoined;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Maps a domain event to the analytics contract: a CloudEvents 1.0 event (built with the CloudEvents Java
 * SDK) in its structured JSON form, whose {@code data}
 * follows the JSON Schema {@code contracts/.../schemas/analytics/<type>/v<n>.json}. Contact details
 * never leave in clear text: emails are {@link PiiHasher hashed}, names and phone numbers dropped,
 * and profile changes carry field names only. Entity states ({@code *-state}) carry the item's public state
 * under the same rules, or its deletion, and a version (see {@link StateVersion}).
 */
public final class CloudEventMapper {
  public static final String SPEC_VERSION = "1.0";
  public static final String TYPE_PREFIX = "dev.shopstream.";
  public static final String DATA_CONTENT_TYPE = "application/json";

  private final ObjectMapper json;
  private final PiiHasher pii;

  public CloudEventMapper(ObjectMapper json, PiiHasher pii) {
    this.json = json;
    this.pii = pii;
  }

  /** The CloudEvents {@code type}: prefix, event name and contract version, e.g. dev.shopstream.order-placed.v1. */
  public static String cloudEventType(EventType type) {
    return TYPE_PREFIX + type.wireName() + ".v" + AnalyticsSchemas.currentVersion(type);
  }

  public AnalyticsMessage toMessage(DomainEvent event) {
    return toMessage(event, envelope(event));
  }

  /** The message carrying an envelope made by {@link #envelope} for {@code event}. */
  public AnalyticsMessage toMessage(DomainEvent event, ObjectNode envelope) {
    return new AnalyticsMessage(MessageGroups.of(event.metadata().entityKey()), event.eventId(), envelope.toString(),
        Map.of("type", event.type().wireName(), "version",
            Integer.toString(AnalyticsSchemas.currentVersion(event.type())),
            KIND_ATTRIBUTE, kind(event.type())));
  }

  /** SNS message attribute telling business facts ({@code domain}) from entity states ({@code state}), for filters. */
  public static final String KIND_ATTRIBUTE = "kind";

  /** {@code state} for the {@code *-state} types, {@code domain} for the others. */
  public static String kind(EventType type) {
    return type.isState() ? "state" : "domain";
  }

  /**
   * The envelope as it goes on the wire (the SNS message body): {@link #cloudEvent} written by the CloudEvents
   * SDK's JSON event format, attributes in the contract's documented order (docs/analytics-contract.md).
   */
  public ObjectNode envelope(DomainEvent event) {
    return CloudEventWire.write(cloudEvent(event), json);
  }

  /** The event as a CloudEvents 1.0 event of the SDK: required attributes, extension names and types validated. */
  public CloudEvent cloudEvent(DomainEvent event) {
    var meta = event.metadata();
    CloudEventBuilder builder = CloudEventBuilder.v1()
        .withId(event.eventId())
        .withSource(URI.create("/shop-stream/tables/" + meta.source().table()))
        .withType(cloudEventType(event.type()))
        .withSubject(meta.entityKey().partitionKey() + "/" + meta.entityKey().sortKey())
        .withTime(meta.occurredAt().atOffset(ZoneOffset.UTC))
        .withDataContentType(DATA_CONTENT_TYPE)
        .withDataSchema(AnalyticsSchemas.schemaId(event.type(), AnalyticsSchemas.currentVersion(event.type())));
    if (event instanceof EntityState state && state.version().origin() == StateVersion.Origin.SNAPSHOT) {
      // a snapshot row was read from an export, not the stream: its source names the export
      builder.withExtension(CloudEventWire.SNAPSHOT_EXPORT, meta.source().sequenceNumber());
    } else {
      builder.withExtension(CloudEventWire.STREAM_SHARD, meta.source().shardId())
          .withExtension(CloudEventWire.STREAM_SEQUENCE, meta.source().sequenceNumber());
    }
    return builder.withData(JsonCloudEventData.wrap(data(event))).build();
  }

  ObjectNode data(DomainEvent event) {
    ObjectNode data = json.createObjectNode();
    // A switch expression, so it must cover every EventType (no default): a new event type does not compile
    // until it is mapped here. EventCatalogueTest ties every permitted DomainEvent class to exactly one type.
    return switch (event.type()) {
      case ORDER_PLACED -> {
        OrderPlaced e = (OrderPlaced) event;
        data.put("userId", e.userId()).put("orderId", e.orderId()).put("orderDate", e.orderDate())
            .put("status", e.status()).put("total", e.total().toPlainString()).put("currency", e.currency());
        lines(data, e.items());
        data.put("customerEmailHash", pii.hash(e.customerEmail()));
        yield data;
      }
      case ORDER_STATUS_CHANGED -> {
        OrderStatusChanged e = (OrderStatusChanged) event;
        data.put("userId", e.userId()).put("orderId", e.orderId()).put("previousStatus", e.previousStatus())
            .put("newStatus", e.newStatus());
        yield data;
      }
      case PRODUCT_STOCK_CHANGED -> {
        ProductStockChanged e = (ProductStockChanged) event;
        data.put("productId", e.productId()).put("previousStock", e.previousStock()).put("newStock", e.newStock());
        yield data;
      }
      case PRODUCT_BACK_IN_STOCK -> {
        ProductBackInStock e = (ProductBackInStock) event;
        data.put("productId", e.productId()).put("productName", e.productName()).put("previousStock", e.previousStock())
            .put("newStock", e.newStock());
        yield data;
      }
      case USER_REGISTERED -> {
        UserRegistered e = (UserRegistered) event;
        data.put("userId", e.userId()).put("emailHash", pii.hash(e.email()));
        yield data;
      }
      case USER_PROFILE_CHANGED -> {
        UserProfileChanged e = (UserProfileChanged) event;
        data.put("userId", e.userId());
        ArrayNode fields = data.putArray("changedFields");
        e.changes().keySet().forEach(fields::add);
        yield data;
      }
      case SESSION_EXPIRED -> {
        SessionExpired e = (SessionExpired) event;
        data.put("sessionId", e.sessionId()).put("userId", e.userId())
            .put("expiresAt", e.expiresAt() == null ? null : e.expiresAt().toString());
        yield data;
      }
      case SESSION_ENDED -> {
        SessionEnded e = (SessionEnded) event;
        data.put("sessionId", e.sessionId()).put("userId", e.userId());
        yield data;
      }
      case WAITLIST_JOINED -> {
        WaitlistJoined e = (WaitlistJoined) event;
        data.put("productId", e.productId()).put("userId", e.userId()).put("channel", e.channel());
        yield data;
      }
      case USER_PROFILE_STATE -> {
        UserProfileState e = (UserProfileState) event;
        data.put("userId", e.userId());
        ObjectNode state = state(data, e);
        if (state != null) {
          state.put("emailHash", pii.hash(e.state().email()));
          ArrayNode fields = state.putArray("fields");
          e.state().fields().forEach(fields::add);
        }
        yield data;
      }
      case ORDER_STATE -> {
        OrderState e = (OrderState) event;
        data.put("userId", e.userId()).put("orderId", e.orderId()).put("orderDate", e.orderDate());
        ObjectNode state = state(data, e);
        if (state != null) {
          OrderState.Order order = e.state();
          state.put("status", order.status()).put("total", order.total().toPlainString())
              .put("currency", order.currency());
          lines(state, order.items());
          state.put("customerEmailHash", pii.hash(order.customerEmail()));
        }
        yield data;
      }
      case PRODUCT_STATE -> {
        ProductState e = (ProductState) event;
        data.put("productId", e.productId());
        ObjectNode state = state(data, e);
        if (state != null) {
          state.put("name", e.state().name())
              .put("price", e.state().price() == null ? null : e.state().price().toPlainString())
              .put("stock", e.state().stock());
        }
        yield data;
      }
      case WAITLIST_ENTRY_STATE -> {
        WaitlistEntryState e = (WaitlistEntryState) event;
        data.put("productId", e.productId()).put("userId", e.userId());
        ObjectNode state = state(data, e);
        if (state != null) {
          state.put("channel", e.state().channel()).put("notifiedAt", e.state().notifiedAt());
        }
        yield data;
      }
      case SESSION_STATE -> {
        SessionState e = (SessionState) event;
        data.put("sessionId", e.sessionId());
        ObjectNode state = state(data, e);
        if (state != null) {
          state.put("userId", e.state().userId())
              .put("expiresAt", e.state().expiresAt() == null ? null : e.state().expiresAt().toString());
        }
        yield data;
      }
    };
  }

  /** Adds version and deleted, and the state object (returned) or null when deleted. */
  private static ObjectNode state(ObjectNode data, EntityState event) {
    data.put("version", event.version().toString()).put("deleted", event.deleted());
    if (event.deleted()) {
      data.putNull("state");
      return null;
    }
    return data.putObject("state");
  }

  private static void lines(ObjectNode target, List<OrderLine> lines) {
    ArrayNode items = target.putArray("items");
    lines.forEach(line -> items.addObject().put("sku", line.sku()).put("quantity", line.quantity())
        .put("unitPrice", line.unitPrice().toPlainString()));
  }
}
