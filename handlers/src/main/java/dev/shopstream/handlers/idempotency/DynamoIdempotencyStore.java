package dev.shopstream.handlers.idempotency;

import dev.shopstream.handlers.AwsFailures;
import dev.shopstream.handlers.EffectFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Claims in a DynamoDB table with a string key {@code id} ("scope#key") and time-to-live on
 * {@code expiresAt}. A claim is a conditional write that succeeds only if there is no claim yet or the
 * existing one is in progress and stale; on conflict the existing record is returned with the failed
 * write itself. {@code takeovers} counts stale claims taken over (0 on a first claim).
 */
public final class DynamoIdempotencyStore implements IdempotencyStore {
  public static final String KEY = "id";
  public static final String TTL_ATTRIBUTE = "expiresAt";
  private static final String IN_PROGRESS = "IN_PROGRESS";
  private static final String COMPLETED = "COMPLETED";
  private static final int COMPLETE_ATTEMPTS = 5;

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;
  private final Duration claimTimeout;
  private final Duration retention;

  /**
   * @param claimTimeout after this long an in-progress claim is stale (its holder presumed dead)
   * @param retention how long completed claims are kept (longer than the stream's 24 h, so replays are covered)
   */
  public DynamoIdempotencyStore(DynamoDbClient dynamo, String table, Clock clock, Duration claimTimeout, Duration retention) {
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
    this.claimTimeout = claimTimeout;
    this.retention = retention;
  }

  @Override
  public Claim claim(String scope, String key, String eventId) {
    Instant now = clock.instant();
    try {
      var claimed = dynamo.updateItem(r -> r.tableName(table).key(id(scope, key))
          .updateExpression("SET #status = :inProgress, eventId = :event, claimedAt = :now, staleAt = :staleAt, "
              + "#ttl = :expiresAt, takeovers = if_not_exists(takeovers, :minusOne) + :one")
          .conditionExpression("attribute_not_exists(#id) OR (#status = :inProgress AND staleAt < :nowMillis)")
          .expressionAttributeNames(Map.of("#status", "status", "#id", KEY, "#ttl", TTL_ATTRIBUTE))
          .expressionAttributeValues(Map.of(
              ":inProgress", AttributeValue.fromS(IN_PROGRESS),
              ":event", AttributeValue.fromS(eventId),
              ":now", AttributeValue.fromS(now.toString()),
              ":nowMillis", number(now.toEpochMilli()),
              ":staleAt", number(now.plus(claimTimeout).toEpochMilli()),
              ":expiresAt", number(now.plus(retention).getEpochSecond()),
              ":minusOne", number(-1),
              ":one", number(1)))
          .returnValues("ALL_NEW")
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new Claim.Acquired(Long.parseLong(claimed.attributes().get("takeovers").n()) > 0);
    } catch (ConditionalCheckFailedException conflict) {
      Map<String, AttributeValue> existing = conflict.hasItem() ? conflict.item() : read(scope, key);
      if (existing == null || existing.isEmpty()) {
        throw EffectFailure.retryable("claim " + scope + " " + key + " conflicted but vanished; try again", conflict);
      }
      if (COMPLETED.equals(existing.get("status").s())) {
        AttributeValue detail = existing.get("detail");
        return new Claim.Completed(detail == null ? "" : detail.s(), Instant.parse(existing.get("completedAt").s()));
      }
      return new Claim.HeldElsewhere(Instant.ofEpochMilli(Long.parseLong(existing.get("staleAt").n())));
    } catch (SdkException e) {
      throw AwsFailures.classify("claiming " + scope + " " + key + " in " + table, e);
    }
  }

  @Override
  public void complete(String scope, String key, String detail) {
    SdkException last = null;
    for (int attempt = 1; attempt <= COMPLETE_ATTEMPTS; attempt++) {
      Instant now = clock.instant();
      try {
        dynamo.updateItem(r -> r.tableName(table).key(id(scope, key))
            .updateExpression("SET #status = :completed, completedAt = :now, detail = :detail, #ttl = :expiresAt "
                + "REMOVE staleAt")
            .expressionAttributeNames(Map.of("#status", "status", "#ttl", TTL_ATTRIBUTE))
            .expressionAttributeValues(Map.of(
                ":completed", AttributeValue.fromS(COMPLETED),
                ":now", AttributeValue.fromS(now.toString()),
                ":detail", AttributeValue.fromS(detail),
                ":expiresAt", number(now.plus(retention).getEpochSecond()))));
        return;
      } catch (SdkException e) {
        last = e;
        sleep(100L * attempt);
      }
    }
    // The effect happened but is not recorded: the claim goes stale and a later attempt may repeat it.
    throw AwsFailures.classify("completing claim " + scope + " " + key + " after the effect", last);
  }

  @Override
  public void release(String scope, String key) {
    try {
      dynamo.deleteItem(r -> r.tableName(table).key(id(scope, key))
          .conditionExpression("#status = :inProgress")
          .expressionAttributeNames(Map.of("#status", "status"))
          .expressionAttributeValues(Map.of(":inProgress", AttributeValue.fromS(IN_PROGRESS)))
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.NONE));
    } catch (ConditionalCheckFailedException notOurs) {
      // completed meanwhile, or gone: nothing to release
    } catch (SdkException e) {
      throw AwsFailures.classify("releasing claim " + scope + " " + key, e);
    }
  }

  private Map<String, AttributeValue> read(String scope, String key) {
    return dynamo.getItem(r -> r.tableName(table).key(id(scope, key)).consistentRead(true)).item();
  }

  private static Map<String, AttributeValue> id(String scope, String key) {
    return Map.of(KEY, AttributeValue.fromS(scope + "#" + key));
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
