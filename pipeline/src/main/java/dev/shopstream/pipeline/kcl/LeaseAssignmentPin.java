package dev.shopstream.pipeline.kcl;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.kinesis.coordinator.CoordinatorState;
import software.amazon.kinesis.coordinator.migration.ClientVersion;
import software.amazon.kinesis.coordinator.migration.MigrationState;

/**
 * Makes {@code SHOP_KCL_ASSIGNMENT} stick. KCL 3.1.1 decides how leases are handed out from the
 * migration state it keeps in {@code <app>-CoordinatorState} (item {@code Migration3.0}, attribute
 * {@code cv}). {@code CLIENT_VERSION_CONFIG_COMPATIBLE_WITH_2X} alone starts in 2.x-style lease taking
 * but flips every worker to KCL 3's leader after all of them have reported worker metrics for 10
 * minutes (its {@code MigrationReadyMonitor}), bringing the 2-minute leader lock back. A stored
 * {@code CLIENT_VERSION_2X} (what KCL's own migration tool writes on a rollback) keeps every worker in
 * 2.x-style taking for good; removing it lets the configured 3.x mode start.
 */
public final class LeaseAssignmentPin {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseAssignmentPin.class);
  private static final String KEY = CoordinatorState.COORDINATOR_STATE_TABLE_HASH_KEY_ATTRIBUTE_NAME;
  private static final String VERSION = MigrationState.CLIENT_VERSION_ATTRIBUTE_NAME;
  private static final AttributeValue PINNED = AttributeValue.fromS(ClientVersion.CLIENT_VERSION_2X.name());

  private LeaseAssignmentPin() {}

  /** Writes (WORKERS) or removes (LEADER) the 2.x pin; one or two DynamoDB calls at start-up. */
  public static void apply(DynamoDbAsyncClient dynamo, String coordinatorTable, LeaseAssignment mode, String workerId,
      Clock clock) {
    try {
      if (mode == LeaseAssignment.WORKERS) {
        createTableIfMissing(dynamo, coordinatorTable);
        pin(dynamo, coordinatorTable, workerId, clock);
      } else {
        unpin(dynamo, coordinatorTable);
      }
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("could not set KCL lease assignment " + mode + " in table " + coordinatorTable
          + ": " + cause.getMessage(), cause);
    }
  }

  private static void pin(DynamoDbAsyncClient dynamo, String table, String workerId, Clock clock) {
    try {
      dynamo.putItem(r -> r.tableName(table)
          .item(Map.of(KEY, AttributeValue.fromS(MigrationState.MIGRATION_HASH_KEY), VERSION, PINNED,
              MigrationState.MODIFIED_BY_ATTRIBUTE_NAME, AttributeValue.fromS(workerId),
              MigrationState.MODIFIED_TIMESTAMP_ATTRIBUTE_NAME, AttributeValue.fromN(Long.toString(clock.millis()))))
          .conditionExpression("attribute_not_exists(#k) OR #v <> :pinned")
          .expressionAttributeNames(Map.of("#k", KEY, "#v", VERSION))
          .expressionAttributeValues(Map.of(":pinned", PINNED))).join();
      LOG.info("KCL lease assignment: WORKERS (2.x-style lease taking pinned in {})", table);
    } catch (CompletionException e) {
      if (!(e.getCause() instanceof ConditionalCheckFailedException)) {
        throw e;
      }
      // already pinned: nothing to write
    }
  }

  private static void unpin(DynamoDbAsyncClient dynamo, String table) {
    try {
      dynamo.deleteItem(r -> r.tableName(table)
          .key(Map.of(KEY, AttributeValue.fromS(MigrationState.MIGRATION_HASH_KEY)))
          .conditionExpression("#v = :pinned")
          .expressionAttributeNames(Map.of("#v", VERSION))
          .expressionAttributeValues(Map.of(":pinned", PINNED))).join();
      LOG.info("KCL lease assignment: LEADER (removed the 2.x pin from {})", table);
    } catch (CompletionException e) {
      if (!(e.getCause() instanceof ConditionalCheckFailedException
          || e.getCause() instanceof ResourceNotFoundException)) {
        throw e;
      }
    }
  }

  /** The same table KCL would create: string hash key {@code key}, on demand. */
  private static void createTableIfMissing(DynamoDbAsyncClient dynamo, String table) {
    try {
      dynamo.describeTable(r -> r.tableName(table)).join();
      return;
    } catch (CompletionException e) {
      if (!(e.getCause() instanceof ResourceNotFoundException)) {
        throw e;
      }
    }
    try {
      dynamo.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(AttributeDefinition.builder().attributeName(KEY).attributeType(ScalarAttributeType.S)
              .build())
          .keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build())).join();
    } catch (CompletionException e) {
      if (!(e.getCause() instanceof ResourceInUseException)) {
        throw e;
      }
    }
    try (var waiter = dynamo.waiter()) {
      waiter.waitUntilTableExists(r -> r.tableName(table), o -> o.waitTimeout(Duration.ofMinutes(5))).join();
    } catch (SdkException e) {
      throw new CompletionException(e);
    }
  }
}
