package dev.shopstream.pipeline.dlq;

import dev.shopstream.contracts.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link ErrorStarts} as items {@code record-error#<table>/<shard>/<sequence number>} of the idempotency
 * table (string key {@code id}, TTL {@code expiresAt}): one atomic ADD per Error, none on the happy path.
 */
public final class DynamoErrorStarts implements ErrorStarts {
  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;
  private final Duration retention;

  public DynamoErrorStarts(DynamoDbClient dynamo, String table, Clock clock, Duration retention) {
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
    this.retention = retention;
  }

  @Override
  public long countOne(EventSource source, Error error) {
    String id = "record-error#" + source.table() + "/" + source.shardId() + "/" + source.sequenceNumber();
    var answer = dynamo.updateItem(r -> r.tableName(table).key(Map.of("id", AttributeValue.fromS(id)))
        .updateExpression("ADD errors :one SET lastError = :error, lastAt = :now, expiresAt = :expiresAt")
        .expressionAttributeValues(Map.of(
            ":one", AttributeValue.fromN("1"),
            ":error", AttributeValue.fromS(String.valueOf(error)),
            ":now", AttributeValue.fromS(clock.instant().toString()),
            ":expiresAt", AttributeValue.fromN(Long.toString(clock.instant().plus(retention).getEpochSecond()))))
        .returnValues("UPDATED_NEW"));
    return Long.parseLong(answer.attributes().get("errors").n());
  }
}
