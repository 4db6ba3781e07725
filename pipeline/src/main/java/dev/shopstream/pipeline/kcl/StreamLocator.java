package dev.shopstream.pipeline.kcl;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** Finds the table's current stream and checks it is one the worker can use. */
public final class StreamLocator {
  private StreamLocator() {}

  public static String latestStreamArn(DynamoDbClient dynamo, String table) {
    TableDescription description;
    try {
      description = dynamo.describeTable(r -> r.tableName(table)).table();
    } catch (ResourceNotFoundException e) {
      throw new IllegalStateException("table '" + table + "' does not exist (set SHOP_TABLE, and AWS_REGION / "
          + "SHOP_DYNAMODB_ENDPOINT to where it lives)", e);
    }
    var stream = description.streamSpecification();
    if (stream == null || !Boolean.TRUE.equals(stream.streamEnabled()) || description.latestStreamArn() == null) {
      throw new IllegalStateException("table '" + table + "' has no stream: enable DynamoDB Streams with view type "
          + "NEW_AND_OLD_IMAGES");
    }
    if (stream.streamViewType() != StreamViewType.NEW_AND_OLD_IMAGES) {
      throw new IllegalStateException("table '" + table + "' streams " + stream.streamViewTypeAsString()
          + ", but the worker diffs old and new images: set the view type to NEW_AND_OLD_IMAGES");
    }
    return description.latestStreamArn();
  }
}
