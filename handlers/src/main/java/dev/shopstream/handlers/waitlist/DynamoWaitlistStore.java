package dev.shopstream.handlers.waitlist;

import dev.shopstream.contracts.TableModel;
import dev.shopstream.handlers.AwsFailures;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Waitlist entries in the shop table: a paginated Query on {@code PK = PRODUCT#id AND SK begins_with
 * WAITLIST#} (never a scan), keeping entries without {@code notifiedAt}, with their {@code joinedAt} if
 * any. Marking sets {@code notifiedAt} and {@code notifiedFor}; the stream record this write causes
 * yields no event.
 */
public final class DynamoWaitlistStore implements WaitlistStore {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoWaitlistStore.class);
  /** When the user joined; written by whoever adds the entry (see {@link #joinedAt}). */
  public static final String JOINED_AT = "joinedAt";

  private final DynamoDbClient dynamo;
  private final String table;
  private final Integer pageSize;

  public DynamoWaitlistStore(DynamoDbClient dynamo, String table) {
    this(dynamo, table, null);
  }

  /** @param pageSize items per Query page; null for DynamoDB's 1 MB pages */
  public DynamoWaitlistStore(DynamoDbClient dynamo, String table, Integer pageSize) {
    this.dynamo = dynamo;
    this.table = table;
    this.pageSize = pageSize;
  }

  @Override
  public List<WaitlistEntry> waiting(String productId) {
    QueryRequest query = QueryRequest.builder()
        .tableName(table)
        .consistentRead(true)
        .limit(pageSize)
        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
        .filterExpression("attribute_not_exists(notifiedAt)")
        .expressionAttributeNames(
            Map.of("#pk", TableModel.PARTITION_KEY, "#sk", TableModel.SORT_KEY))
        .expressionAttributeValues(Map.of(
            ":pk", AttributeValue.fromS(TableModel.PRODUCT_PREFIX + productId),
            ":prefix", AttributeValue.fromS(TableModel.WAITLIST_SK_PREFIX)))
        .build();
    List<WaitlistEntry> entries = new ArrayList<>();
    try {
      collect(productId, query, entries);
    } catch (SdkException e) {
      throw AwsFailures.classify("DynamoDB Query of the waitlist of product " + productId, e);
    }
    return entries;
  }

  /**
   * Every waiting item becomes an entry, even one that cannot be sent (an SK of exactly
   * {@code WAITLIST#}, no usable email or phone): the handler names it and counts it rather than it
   * vanishing here. A non-blank {@code email} wins over {@code phone}, as in the differ.
   */
  private void collect(String productId, QueryRequest query, List<WaitlistEntry> entries) {
    for (Map<String, AttributeValue> item : dynamo.queryPaginator(query).items()) {
      String userId = item.get(TableModel.SORT_KEY).s().substring(TableModel.WAITLIST_SK_PREFIX.length());
      String email = text(item, "email");
      String phone = text(item, "phone");
      Instant joinedAt = joinedAt(productId, userId, item);
      if (email != null) {
        entries.add(new WaitlistEntry(productId, userId, "email", email, joinedAt));
      } else if (phone != null) {
        entries.add(new WaitlistEntry(productId, userId, "sms", phone, joinedAt));
      } else {
        entries.add(new WaitlistEntry(productId, userId, "", "", joinedAt));
      }
    }
  }

  /**
   * The item's {@code joinedAt}: an ISO-8601 instant string ({@code 2026-11-27T09:30:00.250Z}), as the
   * handler writes {@code notifiedAt}. Absent: null. Not readable as one: null too (the entry is then
   * notified as if it had none, so nobody is lost), with a WARN naming the item so it can be fixed.
   */
  private static Instant joinedAt(String productId, String userId, Map<String, AttributeValue> item) {
    AttributeValue value = item.get(JOINED_AT);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(String.valueOf(value.s()));
    } catch (DateTimeParseException e) {
      LOG.warn("waitlist item {}{} / {}{} has a {} that is not an ISO-8601 instant string ({}): treated as "
          + "having none, so every restock notifies it", TableModel.PRODUCT_PREFIX, productId,
          TableModel.WAITLIST_SK_PREFIX, userId, JOINED_AT, value);
      return null;
    }
  }

  @Override
  public void markNotified(WaitlistEntry entry, String restockEventId, Instant at) {
    try {
      dynamo.updateItem(r -> r.tableName(table)
          .key(Map.of(
              TableModel.PARTITION_KEY,
              AttributeValue.fromS(TableModel.PRODUCT_PREFIX + entry.productId()),
              TableModel.SORT_KEY, AttributeValue.fromS(TableModel.WAITLIST_SK_PREFIX + entry.userId())))
          .updateExpression("SET notifiedAt = :at, notifiedFor = :event")
          .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(notifiedAt)")
          .expressionAttributeNames(Map.of("#pk", TableModel.PARTITION_KEY))
          .expressionAttributeValues(Map.of(":at", AttributeValue.fromS(at.toString()),
              ":event", AttributeValue.fromS(restockEventId))));
    } catch (ConditionalCheckFailedException alreadyMarkedOrGone) {
      LOG.info("waitlist entry of user {} for product {} was removed or already marked", entry.userId(),
          entry.productId());
    } catch (SdkException e) {
      throw AwsFailures.classify("DynamoDB UpdateItem marking the waitlist entry of user " + entry.userId(),
          e);
    }
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null || value.s().isBlank() ? null : value.s();
  }
}
