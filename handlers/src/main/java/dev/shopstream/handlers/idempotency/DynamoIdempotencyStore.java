package dev.shopstream.handlers.idempotency;

import dev.shopstream.handlers.AwsFailures;
import dev.shopstream.handlers.EffectFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Claims in a DynamoDB table with a string key {@code id} ("scope#key") and time-to-live on
 * {@code expiresAt}. A claim is one conditional write that succeeds when there is no claim yet, or the
 * existing one is in progress and either stale, or taken under the claimant's lease by an older epoch
 * whose effect window ({@code effectEndsBy}) has passed. The item records {@code token}, {@code owner},
 * {@code lease}, {@code epoch}, {@code claimedAt}, {@code attemptAt} (the latest attempt's start: kept by a
 * takeover, which has not attempted anything yet; see {@link #reattempt}), {@code staleAt}, {@code effectEndsBy}
 * and {@code takeovers} (0 on a first claim, 1 after one takeover). On conflict the existing item comes
 * back with the failed write. Complete and release are conditional on the token: fenced once taken over.
 * No retry loop here: a failed call is classified and the record engine's one retry layer tries again.
 */
public final class DynamoIdempotencyStore implements IdempotencyStore {
  public static final String KEY = "id";
  public static final String TTL_ATTRIBUTE = "expiresAt";
  private static final String IN_PROGRESS = "IN_PROGRESS";
  private static final String COMPLETED = "COMPLETED";
  private static final Map<String, String> NAMES = Map.of("#status", "status", "#id", KEY, "#ttl", TTL_ATTRIBUTE,
      "#token", "token", "#owner", "owner", "#lease", "lease", "#epoch", "epoch");

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;
  private final Duration claimTimeout;
  private final Duration retention;
  private final EffectWindow window;

  /**
   * @param claimTimeout after this long an in-progress claim is stale (its holder presumed dead)
   * @param retention how long completed claims are kept (longer than the stream's 24 h, so replays are covered)
   */
  public DynamoIdempotencyStore(DynamoDbClient dynamo, String table, Clock clock, Duration claimTimeout,
      Duration retention) {
    this(dynamo, table, clock, claimTimeout, retention, EffectWindow.DEFAULT);
  }

  /** @param window how long after its claim an attempt's effect may still land (at most the claim timeout) */
  public DynamoIdempotencyStore(DynamoDbClient dynamo, String table, Clock clock, Duration claimTimeout,
      Duration retention, EffectWindow window) {
    if (window.length().compareTo(claimTimeout) > 0) {
      throw new IllegalArgumentException("the claim timeout (" + claimTimeout.toSeconds() + " s) must be at least the "
          + "effect window (" + window.length().toSeconds()
          + " s): a claim must not go stale while its effect can land");
    }
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
    this.claimTimeout = claimTimeout;
    this.retention = retention;
    this.window = window;
  }

  @Override
  public Claim claim(String scope, String key, String eventId, String token, String owner, ShardLease lease) {
    Instant now = clock.instant();
    Map<String, AttributeValue> values = new HashMap<>(Map.of(
        ":inProgress", AttributeValue.fromS(IN_PROGRESS),
        ":event", AttributeValue.fromS(eventId),
        ":token", AttributeValue.fromS(token),
        ":owner", AttributeValue.fromS(owner),
        ":lease", AttributeValue.fromS(lease == null ? "" : lease.name()),
        ":now", AttributeValue.fromS(now.toString()),
        ":nowMillis", number(now.toEpochMilli()),
        ":staleAt", number(now.plus(claimTimeout).toEpochMilli()),
        ":expiresAt", number(now.plus(retention).getEpochSecond()),
        ":minusOne", number(-1)));
    values.put(":one", number(1));
    values.put(":epoch", number(lease == null ? -1 : lease.epoch()));
    values.put(":endsBy", number(now.plus(window.length()).toEpochMilli()));
    // Stale: anyone may take it, except an older holder of the claim's own lease (never back from a newer epoch).
    // By lease: a strictly older epoch of the same lease, once that attempt's effect window is over.
    String takeover = lease == null ? "staleAt < :nowMillis"
        : "(staleAt < :nowMillis AND NOT (#lease = :lease AND #epoch > :epoch))"
            + " OR (#lease = :lease AND #epoch < :epoch AND effectEndsBy < :nowMillis)";
    try {
      var previous = dynamo.updateItem(r -> r.tableName(table).key(id(scope, key))
          .updateExpression("SET #status = :inProgress, eventId = :event, #token = :token, #owner = :owner, "
              + "#lease = :lease, #epoch = :epoch, claimedAt = :now, attemptAt = if_not_exists(attemptAt, :now), "
              + "staleAt = :staleAt, "
              + "effectEndsBy = :endsBy, #ttl = :expiresAt, takeovers = if_not_exists(takeovers, :minusOne) + :one")
          .conditionExpression("attribute_not_exists(#id) OR (#status = :inProgress AND (" + takeover + "))")
          .expressionAttributeNames(NAMES)
          .expressionAttributeValues(values)
          .returnValues("ALL_OLD")
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
      if (previous == null || previous.isEmpty()) {
        return new Claim.Acquired(token, null);
      }
      boolean stale = millis(previous, "staleAt") < now.toEpochMilli();
      return new Claim.Acquired(token, new Claim.Previous(text(previous, "owner"), text(previous, "token"),
          lease(previous), lastAttempt(previous), stale));
    } catch (ConditionalCheckFailedException conflict) {
      Map<String, AttributeValue> existing = conflict.hasItem() ? conflict.item() : read(scope, key);
      if (existing == null || existing.isEmpty()) {
        throw EffectFailure.retryable("claim " + scope + " " + key + " conflicted but vanished; try again", conflict);
      }
      return conflict(existing, token, owner, lease);
    } catch (SdkException e) {
      throw AwsFailures.classify("claiming " + scope + " " + key + " in " + table, e);
    }
  }

  private static Claim conflict(Map<String, AttributeValue> existing, String token, String owner, ShardLease lease) {
    if (COMPLETED.equals(existing.get("status").s())) {
      AttributeValue detail = existing.get("detail");
      return new Claim.Completed(detail == null ? "" : detail.s(), Instant.parse(existing.get("completedAt").s()));
    }
    Instant staleAt = Instant.ofEpochMilli(millis(existing, "staleAt"));
    if (token.equals(text(existing, "token"))) {
      // The SDK resent our own write after its answer was lost: the claim is ours.
      return new Claim.Acquired(token, null);
    }
    ShardLease theirs = lease(existing);
    boolean sameLease = lease != null && theirs != null && lease.name().equals(theirs.name());
    if (sameLease && theirs.epoch() > lease.epoch()) {
      return new Claim.Superseded(theirs.epoch());
    }
    if (owner.equals(text(existing, "owner"))) {
      return new Claim.HeldByMe(text(existing, "token"), lastAttempt(existing), staleAt);
    }
    if (sameLease && theirs.epoch() < lease.epoch() && existing.containsKey("effectEndsBy")) {
      Instant endsBy = Instant.ofEpochMilli(millis(existing, "effectEndsBy"));
      return new Claim.HeldElsewhere(endsBy.isBefore(staleAt) ? endsBy : staleAt);
    }
    return new Claim.HeldElsewhere(staleAt);
  }

  @Override
  public boolean reattempt(String scope, String key, String token, ShardLease lease) {
    Instant now = clock.instant();
    try {
      dynamo.updateItem(r -> r.tableName(table).key(id(scope, key))
          .updateExpression("SET attemptAt = :now, effectEndsBy = :endsBy, staleAt = :staleAt, #lease = :lease, "
              + "#epoch = :epoch")
          .conditionExpression("#status = :inProgress AND #token = :token")
          .expressionAttributeNames(Map.of("#status", "status", "#token", "token", "#lease", "lease",
              "#epoch", "epoch"))
          .expressionAttributeValues(Map.of(
              ":inProgress", AttributeValue.fromS(IN_PROGRESS),
              ":token", AttributeValue.fromS(token),
              ":now", AttributeValue.fromS(now.toString()),
              ":endsBy", number(now.plus(window.length()).toEpochMilli()),
              ":staleAt", number(now.plus(claimTimeout).toEpochMilli()),
              ":lease", AttributeValue.fromS(lease == null ? "" : lease.name()),
              ":epoch", number(lease == null ? -1 : lease.epoch()))));
      return true;
    } catch (ConditionalCheckFailedException notOurs) {
      return false;
    } catch (SdkException e) {
      throw AwsFailures.classify("starting another attempt under claim " + scope + " " + key, e);
    }
  }

  @Override
  public boolean complete(String scope, String key, String token, String detail) {
    Instant now = clock.instant();
    try {
      dynamo.updateItem(r -> r.tableName(table).key(id(scope, key))
          .updateExpression("SET #status = :completed, completedAt = :now, detail = :detail, #ttl = :expiresAt "
              + "REMOVE staleAt")
          .conditionExpression("#token = :token")
          .expressionAttributeNames(Map.of("#status", "status", "#ttl", TTL_ATTRIBUTE, "#token", "token"))
          .expressionAttributeValues(Map.of(
              ":completed", AttributeValue.fromS(COMPLETED),
              ":now", AttributeValue.fromS(now.toString()),
              ":detail", AttributeValue.fromS(detail),
              ":token", AttributeValue.fromS(token),
              ":expiresAt", number(now.plus(retention).getEpochSecond())))
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return true;
    } catch (ConditionalCheckFailedException fenced) {
      Map<String, AttributeValue> existing = fenced.hasItem() ? fenced.item() : Map.of();
      // Completed by someone else meanwhile counts as done; taken over (or gone) is fenced.
      return existing != null && COMPLETED.equals(text(existing, "status")) && token.equals(text(existing, "token"));
    } catch (SdkException e) {
      throw AwsFailures.classify("completing claim " + scope + " " + key + " after the effect", e);
    }
  }

  @Override
  public void release(String scope, String key, String token) {
    try {
      dynamo.deleteItem(r -> r.tableName(table).key(id(scope, key))
          .conditionExpression("#status = :inProgress AND #token = :token")
          .expressionAttributeNames(Map.of("#status", "status", "#token", "token"))
          .expressionAttributeValues(Map.of(":inProgress", AttributeValue.fromS(IN_PROGRESS),
              ":token", AttributeValue.fromS(token)))
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.NONE));
    } catch (ConditionalCheckFailedException notOurs) {
      // completed, taken over, or gone: nothing to release
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

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  private static Instant instant(Map<String, AttributeValue> item, String name) {
    String value = text(item, name);
    return value == null ? null : Instant.parse(value);
  }

  private static long millis(Map<String, AttributeValue> item, String name) {
    return Long.parseLong(item.get(name).n());
  }

  /** The latest attempt's start: {@code attemptAt}, or the claim's time on claims written before it existed. */
  private static Instant lastAttempt(Map<String, AttributeValue> item) {
    Instant attempt = instant(item, "attemptAt");
    return attempt != null ? attempt : instant(item, "claimedAt");
  }

  /** The lease a claim was taken under; null when none (or written before epochs: such a claim waits to go stale). */
  private static ShardLease lease(Map<String, AttributeValue> item) {
    String name = text(item, "lease");
    AttributeValue epoch = item.get("epoch");
    if (name == null || name.isEmpty() || epoch == null || Long.parseLong(epoch.n()) < 0) {
      return null;
    }
    return new ShardLease(name, Long.parseLong(epoch.n()));
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
