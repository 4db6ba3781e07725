package dev.shopstream.pipeline.kcl;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsResponse;

/**
 * For DynamoDB Local only: the adapter sees stream ARNs with the real region, DynamoDB Local gets
 * its own {@code ddblocal} ones back. Installed on the streams client when an endpoint is set.
 */
final class LocalStreamArnInterceptor implements ExecutionInterceptor {
  private final String region;
  private volatile boolean active;

  LocalStreamArnInterceptor(String region) {
    this.region = region;
  }

  /** Switched on once the table's stream ARN turns out to be DynamoDB Local's; other endpoints (LocalStack) pass through. */
  void activate() {
    active = true;
  }

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    if (!active) {
      return request;
    }
    if (request instanceof DescribeStreamRequest describe) {
      return describe.toBuilder().streamArn(toLocal(describe.streamArn())).build();
    }
    if (request instanceof GetShardIteratorRequest iterator) {
      return iterator.toBuilder().streamArn(toLocal(iterator.streamArn())).build();
    }
    return request;
  }

  @Override
  public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
    SdkResponse response = context.response();
    if (!active) {
      return response;
    }
    if (response instanceof DescribeStreamResponse describe && describe.streamDescription() != null) {
      var description = describe.streamDescription();
      return describe.toBuilder()
          .streamDescription(description.toBuilder().streamArn(toReal(description.streamArn())).build())
          .build();
    }
    if (response instanceof ListStreamsResponse list && list.hasStreams()) {
      return list.toBuilder()
          .streams(list.streams().stream().map(s -> s.toBuilder().streamArn(toReal(s.streamArn())).build()).toList())
          .build();
    }
    return response;
  }

  private static String toLocal(String arn) {
    return arn == null ? null : StreamArns.withRegion(arn, StreamArns.LOCAL_REGION);
  }

  private String toReal(String arn) {
    return arn == null ? null : StreamArns.withRegion(arn, region);
  }
}
