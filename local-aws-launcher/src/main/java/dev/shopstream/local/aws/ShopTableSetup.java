package dev.shopstream.local.aws;

import dev.shopstream.contracts.TableModel;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * Creates the shop table as the worker expects it: PK/SK strings, a NEW_AND_OLD_IMAGES stream and
 * time-to-live on {@code expiresAt}. For local stacks (bin/local-aws), the demo and tests; production
 * tables come from infrastructure code with the same shape. Not part of the worker jar.
 */
public final class ShopTableSetup {
  /**
   * The idempotency table's key and TTL attribute, spelled here because this module must not depend
   * on handlers (handlers' tests depend on it); DynamoIdempotencyStoreTest proves they match the store.
   */
  public static final String IDEMPOTENCY_KEY = "id";
  public static final String IDEMPOTENCY_TTL_ATTRIBUTE = "expiresAt";

  private ShopTableSetup() {}

  /** @return true if the table was created, false if it already existed */
  public static boolean createIfMissing(DynamoDbClient dynamo, String table) {
    try {
      dynamo.createTable(r -> r.tableName(table)
          .billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(
              AttributeDefinition.builder().attributeName(TableModel.PARTITION_KEY).attributeType(ScalarAttributeType.S)
              .build(), AttributeDefinition.builder().attributeName(TableModel.SORT_KEY)
              .attributeType(ScalarAttributeType.S).build())
          .keySchema(
              KeySchemaElement.builder().attributeName(TableModel.PARTITION_KEY).keyType(KeyType.HASH).build(),
              KeySchemaElement.builder().attributeName(TableModel.SORT_KEY).keyType(KeyType.RANGE).build())
          .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
    } catch (ResourceInUseException exists) {
      return false;
    }
    dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
    dynamo.updateTimeToLive(r -> r.tableName(table)
        .timeToLiveSpecification(t -> t.enabled(true).attributeName(TableModel.TTL_ATTRIBUTE)));
    return true;
  }

  /** The idempotency table: string key {@code id}, time-to-live on {@code expiresAt}. */
  public static boolean createIdempotencyTableIfMissing(DynamoDbClient dynamo, String table) {
    try {
      dynamo.createTable(r -> r.tableName(table)
          .billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(AttributeDefinition.builder().attributeName(IDEMPOTENCY_KEY)
              .attributeType(ScalarAttributeType.S).build())
          .keySchema(KeySchemaElement.builder().attributeName(IDEMPOTENCY_KEY).keyType(KeyType.HASH).build()));
    } catch (ResourceInUseException exists) {
      return false;
    }
    dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
    dynamo.updateTimeToLive(r -> r.tableName(table)
        .timeToLiveSpecification(t -> t.enabled(true).attributeName(IDEMPOTENCY_TTL_ATTRIBUTE)));
    return true;
  }
}
