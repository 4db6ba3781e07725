package dev.shopstream.pipeline.kcl;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The table's stream ARN as the adapter needs it. DynamoDB Local names its streams with the
 * pseudo-region {@code ddblocal}, which the adapter refuses: then the ARN is given the configured
 * region and the streams client's translation is switched on. Real AWS and LocalStack pass through.
 */
public final class StreamArnResolver {
  private final String region;
  private final LocalStreamArnInterceptor translation;

  public StreamArnResolver(String region) {
    this.region = region;
    this.translation = new LocalStreamArnInterceptor(region);
  }

  LocalStreamArnInterceptor localTranslation() {
    return translation;
  }

  public String streamArn(DynamoDbClient dynamo, String table) {
    String arn = StreamLocator.latestStreamArn(dynamo, table);
    if (StreamArns.LOCAL_REGION.equals(StreamArns.regionOf(arn))) {
      translation.activate();
      return StreamArns.withRegion(arn, region);
    }
    return arn;
  }
}
