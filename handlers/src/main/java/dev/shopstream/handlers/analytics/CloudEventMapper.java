package dev.shopstream.handlers.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shopstream.contracts.AnalyticsSchemas;
import dev.shopstream.contracts.DomainEvent;
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
import java.util.Map;

/**
 * Maps a domain event to the analytics contract: a CloudEvents 1.0 event (built with the CloudEvents Java
 * SDK) in its structured JSON form, whose {@code data}
 * follows the JSON Schema {@code contracts/.../schemas/analytics/<type>/v<n>.json}. Contact details
 * never leave in clear text: emails are {@link PiiHasher hashed}, names and phone numbers dropped,
 * and profile changes carry field names only.
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
        Map.of("type", event.type().wireName(), "version", Integer.toString(AnalyticsSchemas.currentVersion(event.type()))));
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
    return CloudEventBuilder.v1()
        .withId(event.eventId())
        .withSource(URI.create("/shop-stream/tables/" + meta.source().table()))
        .withType(cloudEventType(event.type()))
        .withSubject(meta.entityKey().partitionKey() + "/" + meta.entityKey().sortKey())
        .withTime(meta.occurredAt().atOffset(ZoneOffset.UTC))
        .withDataContentType(DATA_CONTENT_TYPE)
        .withDataSchema(AnalyticsSchemas.schemaId(event.type(), AnalyticsSchemas.currentVersion(event.type())))
        .withExtension(CloudEventWire.STREAM_SHARD, meta.source().shardId())
        .withExtension(CloudEventWire.STREAM_SEQUENCE, meta.source().sequenceNumber())
        .withData(JsonCloudEventData.wrap(data(event)))
        .build();
  }

  ObjectNode data(DomainEvent event) {
    ObjectNode data = json.createObjectNode();
    switch (event.type()) {
      case ORDER_PLACED -> {
        OrderPlaced e = (OrderPlaced) event;
        data.put("userId", e.userId()).put("orderId", e.orderId()).put("orderDate", e.orderDate()).put("status", e.status())
            .put("total", e.total().toPlainString()).put("currency", e.currency());
        ArrayNode items = data.putArray("items");
        e.items().forEach(line -> items.addObject().put("sku", line.sku()).put("quantity", line.quantity())
            .put("unitPrice", line.unitPrice().toPlainString()));
        data.put("customerEmailHash", pii.hash(e.customerEmail()));
      }
      case ORDER_STATUS_CHANGED -> {
        OrderStatusChanged e = (OrderStatusChanged) event;
        data.put("userId", e.userId()).put("orderId", e.orderId()).put("previousStatus", e.previousStatus())
            .put("newStatus", e.newStatus());
      }
      case PRODUCT_STOCK_CHANGED -> {
        ProductStockChanged e = (ProductStockChanged) event;
        data.put("productId", e.productId()).put("previousStock", e.previousStock()).put("newStock", e.newStock());
      }
      case PRODUCT_BACK_IN_STOCK -> {
        ProductBackInStock e = (ProductBackInStock) event;
        data.put("productId", e.productId()).put("productName", e.productName()).put("previousStock", e.previousStock())
            .put("newStock", e.newStock());
      }
      case USER_REGISTERED -> {
        UserRegistered e = (UserRegistered) event;
        data.put("userId", e.userId()).put("emailHash", pii.hash(e.email()));
      }
      case USER_PROFILE_CHANGED -> {
        UserProfileChanged e = (UserProfileChanged) event;
        data.put("userId", e.userId());
        ArrayNode fields = data.putArray("changedFields");
        e.changes().keySet().forEach(fields::add);
      }
      case SESSION_EXPIRED -> {
        SessionExpired e = (SessionExpired) event;
        data.put("sessionId", e.sessionId()).put("userId", e.userId())
            .put("expiresAt", e.expiresAt() == null ? null : e.expiresAt().toString());
      }
      case SESSION_ENDED -> {
        SessionEnded e = (SessionEnded) event;
        data.put("sessionId", e.sessionId()).put("userId", e.userId());
      }
      case WAITLIST_JOINED -> {
        WaitlistJoined e = (WaitlistJoined) event;
        data.put("productId", e.productId()).put("userId", e.userId()).put("channel", e.channel());
      }
    }
    return data;
  }
}
