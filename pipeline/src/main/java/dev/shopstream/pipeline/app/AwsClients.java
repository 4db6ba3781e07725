package dev.shopstream.pipeline.app;

import dev.shopstream.pipeline.config.WorkerConfig;
import dev.shopstream.pipeline.kcl.KclSchedulerBuilder;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The AWS clients the worker uses, built once from configuration. With a DynamoDB endpoint set and
 * no AWS credentials in the environment, dummy credentials are used (DynamoDB Local accepts any).
 */
public final class AwsClients implements AutoCloseable {
  private final DynamoDbClient dynamo;
  private final DynamoDbAsyncClient dynamoAsync;
  private final DynamoDbStreamsClient streams;
  private final CloudWatchAsyncClient cloudWatch;

  private AwsClients(DynamoDbClient dynamo, DynamoDbAsyncClient dynamoAsync, DynamoDbStreamsClient streams,
      CloudWatchAsyncClient cloudWatch) {
    this.dynamo = dynamo;
    this.dynamoAsync = dynamoAsync;
    this.streams = streams;
    this.cloudWatch = cloudWatch;
  }

  public static AwsClients create(WorkerConfig config, Map<String, String> env) {
    Region region = Region.of(config.region());
    AwsCredentialsProvider credentials = credentials(config, env);
    ClientOverrideConfiguration timeouts = ClientOverrideConfiguration.builder()
        .apiCallAttemptTimeout(Duration.ofSeconds(10))
        .apiCallTimeout(Duration.ofSeconds(30))
        .build();
    var dynamoBuilder = DynamoDbClient.builder().region(region).credentialsProvider(credentials)
        .overrideConfiguration(timeouts);
    var asyncBuilder = DynamoDbAsyncClient.builder().region(region).credentialsProvider(credentials)
        .overrideConfiguration(timeouts);
    config.endpoint().ifPresent(endpoint -> {
      dynamoBuilder.endpointOverride(endpoint);
      asyncBuilder.endpointOverride(endpoint);
    });
    DynamoDbStreamsClient streams = KclSchedulerBuilder.streamsClient(config,
        DynamoDbStreamsClient.builder().credentialsProvider(credentials).overrideConfiguration(timeouts));
    // KCL requires a CloudWatch client; its metrics are off (NullMetricsFactory), so it makes no calls.
    CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.builder().region(region).credentialsProvider(credentials).build();
    return new AwsClients(dynamoBuilder.build(), asyncBuilder.build(), streams, cloudWatch);
  }

  private static AwsCredentialsProvider credentials(WorkerConfig config, Map<String, String> env) {
    if (config.endpoint().isPresent() && !env.containsKey("AWS_ACCESS_KEY_ID")) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  public DynamoDbClient dynamo() {
    return dynamo;
  }

  public DynamoDbAsyncClient dynamoAsync() {
    return dynamoAsync;
  }

  public DynamoDbStreamsClient streams() {
    return streams;
  }

  public CloudWatchAsyncClient cloudWatch() {
    return cloudWatch;
  }

  @Override
  public void close() {
    dynamo.close();
    dynamoAsync.close();
    streams.close();
    cloudWatch.close();
  }
}
