package dev.shopstream.pipeline.kcl;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The table's stream ARN as the adapter needs it: the table's latest stream, used as it is. Real
 * AWS, moto and LocalStack all name streams with the real region, which the adapter accepts.
 */
public final class StreamArnResolver {
  private final String region;

  public StreamArnResolver(String region) {
    this.region = region;
  }

  public String region() {
    return region;
  }

  public String streamArn(DynamoDbClient dynamo, String table) {
    return StreamLocator.latestStreamArn(dynamo, table);
  }
}
