package dev.shopstream.handlers.email;

import dev.shopstream.handlers.idempotency.DynamoIdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What SES said it accepted, kept as items {@code ses-accepted#<tag>} in the idempotency table beside the
 * claims: the queue hands each event to one worker only, the table lets every worker see it. Written
 * with UpdateItem, as the claims are (the worker's policy on that table grants no PutItem), and read
 * consistently, so an event recorded before a lookup starts is always found by it.
 */
final class AcceptedSends {
  static final String PREFIX = "ses-accepted#";

  private final DynamoDbClient dynamo;
  private final String table;
  private final Duration retention;
  private final Clock clock;

  AcceptedSends(DynamoDbClient dynamo, String table, Duration retention, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.retention = retention;
    this.clock = clock;
  }

  void record(SendEventMessage event) {
    Instant now = clock.instant();
    dynamo.updateItem(r -> r.tableName(table)
        .key(key(event.tag()))
        .updateExpression("SET messageId = :messageId, eventType = :type, #at = :at, #ttl = :expiresAt")
        .expressionAttributeNames(Map.of("#at", "at", "#ttl", DynamoIdempotencyStore.TTL_ATTRIBUTE))
        .expressionAttributeValues(Map.of(
            ":messageId", AttributeValue.fromS(event.messageId()),
            ":type", AttributeValue.fromS(event.eventType()),
            ":at", AttributeValue.fromS(event.timestamp() == null ? now.toString() : event.timestamp()),
            ":expiresAt", AttributeValue.fromN(Long.toString(now.plus(retention).getEpochSecond())))));
  }

  /** @return what SES accepted under {@code tag} (message id and time), empty when nothing is recorded */
  Optional<String> find(String tag) {
    Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(tag)))
        .item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("accepted by SES as message " + item.get("messageId").s() + " at " + item.get("at").s());
  }

  private static Map<String, AttributeValue> key(String tag) {
    return Map.of(DynamoIdempotencyStore.KEY, AttributeValue.fromS(PREFIX + tag));
  }
}
