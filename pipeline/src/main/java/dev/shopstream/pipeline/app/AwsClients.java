package dev.shopstream.pipeline.app;

import dev.shopstream.handlers.idempotency.EffectWindow;
import dev.shopstream.pipeline.kcl.StreamLocator;
import dev.shopstream.pipeline.kcl.TrimmedDataMonitor;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS clients the worker uses, built once from configuration by {@link CompositionRoot}. Dummy
 * credentials only with {@code SHOP_AWS_DUMMY_CREDENTIALS=true} (the local stand-ins accept any).
 */
public final class AwsClients implements AutoCloseable {
  private final DynamoDbClient dynamo;
  private final DynamoDbAsyncClient dynamoAsync;
  private final DynamoDbStreamsClient streams;
  private final DynamoDbStreamsClient kclStreams;
  private final CloudWatchAsyncClient cloudWatch;
  private final Lazy<SesV2Client> ses;
  private final Lazy<SnsClient> sns;
  private final Lazy<SqsClient> sqs;
  private final Lazy<S3Client> s3;
  private final TrimmedDataMonitor trimmed;
  /** Other services a handler asks for by type, built on first use as the effect clients are. */
  private final Function<Class<?>, Object> otherService;
  private final Map<Class<?>, Object> others = new ConcurrentHashMap<>();

  private AwsClients(DynamoDbClient dynamo, DynamoDbAsyncClient dynamoAsync, DynamoDbStreamsClient streams,
      DynamoDbStreamsClient kclStreams, CloudWatchAsyncClient cloudWatch, Lazy<SesV2Client> ses, Lazy<SnsClient> sns,
      Lazy<SqsClient> sqs, Lazy<S3Client> s3, TrimmedDataMonitor trimmed, Function<Class<?>, Object> otherService) {
    this.otherService = otherService;
    this.trimmed = trimmed;
    this.dynamo = dynamo;
    this.dynamoAsync = dynamoAsync;
    this.streams = streams;
    this.kclStreams = kclStreams;
    this.cloudWatch = cloudWatch;
    this.ses = ses;
    this.sns = sns;
    this.sqs = sqs;
    this.s3 = s3;
  }

  /**
   * @param recordThreads threads that may each have a call open on a client at once
   * @param effectWindow its call timeout is the effect clients' (SES, SNS, any other service a handler asks for)
   * @param traced spans of the calls made under a record (the claims, SES, SNS); null: none
   */
  static AwsClients create(AwsSettings aws, int recordThreads, EffectWindow effectWindow,
      TrimmedDataMonitor trimmed, ExecutionInterceptor traced) {
    Region region = Region.of(aws.region());
    AwsCredentialsProvider credentials = credentials(aws.dummyCredentials());
    ClientOverrideConfiguration timeouts = ClientOverrideConfiguration.builder()
        .apiCallAttemptTimeout(Duration.ofSeconds(10))
        .apiCallTimeout(Duration.ofSeconds(30))
        .build();
    // Effects (an email, a notification, an analytics message) are retried by the record loop alone
    // (one retry layer, with its hold budget and cancellation); an SDK retry would repeat the send unseen.
    // Their call timeout is the effect window's (a newer lease holder waits it out before taking a claim over).
    Duration effectCall = effectWindow.callTimeout();
    ClientOverrideConfiguration effects = timeouts.toBuilder().retryStrategy(AwsRetryStrategy.doNotRetry())
        .apiCallTimeout(effectCall).apiCallAttemptTimeout(effectCall).build();
    if (traced != null) {
      effects = effects.toBuilder().addExecutionInterceptor(traced).build();
    }
    int connections = connectionsFor(recordThreads);
    var dynamoBuilder = DynamoDbClient.builder().region(region).credentialsProvider(credentials)
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(connections))
        .overrideConfiguration(traced == null ? timeouts : timeouts.toBuilder().addExecutionInterceptor(traced)
            .build());
    var asyncBuilder = DynamoDbAsyncClient.builder().region(region).credentialsProvider(credentials)
        .overrideConfiguration(timeouts);
    aws.dynamoDb().ifPresent(endpoint -> {
      dynamoBuilder.endpointOverride(endpoint);
      asyncBuilder.endpointOverride(endpoint);
    });
    // KCL's reads get their own client, the only one whose trimmed-data failures mean a shard's records were lost
    // (the fleet view and redrive read other positions through the plain one)
    DynamoDbStreamsClient streams = streamsClient(aws, credentials, null, timeouts);
    DynamoDbStreamsClient kclStreams = streamsClient(aws, credentials, trimmed, timeouts);
    // KCL requires a CloudWatch client; its metrics are off (NullMetricsFactory), so it makes no calls.
    CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.builder().region(region).credentialsProvider(credentials)
        .build();
    Lazy<SesV2Client> ses = lazy(SesV2Client::builder, aws.ses(), region, credentials, effects, connections);
    Lazy<SnsClient> sns = lazy(SnsClient::builder, aws.sns(), region, credentials, effects, connections);
    Lazy<SqsClient> sqs = lazy(SqsClient::builder, aws.sqs(), region, credentials, timeouts, connections);
    // path-style addressing where S3 is an endpoint override (a local stand-in has no bucket host names)
    Lazy<S3Client> s3 = lazy(() -> S3Client.builder().forcePathStyle(aws.s3().isPresent()), aws.s3(), region,
        credentials, timeouts, connections);
    ClientOverrideConfiguration effectCalls = effects;
    Function<Class<?>, Object> otherService = type -> otherService(type, region, credentials, effectCalls, connections);
    return new AwsClients(dynamoBuilder.build(), asyncBuilder.build(), streams, kclStreams, cloudWatch, ses, sns,
        sqs, s3, trimmed, otherService);
  }

  /**
   * A client of a service the worker does not wire itself (a new handler's), from its {@code builder()}: the
   * worker's region and credentials, and the effect clients' calls (no SDK retries, the effect window's timeout),
   * since a handler's calls are effects retried by the record loop alone. No endpoint override: real AWS.
   */
  private static Object otherService(Class<?> type, Region region, AwsCredentialsProvider credentials,
      ClientOverrideConfiguration effects, int connections) {
    Object builder;
    try {
      builder = type.getMethod("builder").invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException(type.getName() + " is not an AWS SDK v2 client with a builder()", e);
    }
    if (!(builder instanceof AwsClientBuilder<?, ?> aws) || !(builder instanceof AwsSyncClientBuilder<?, ?> sync)) {
      throw new IllegalArgumentException(type.getName() + " is not a synchronous AWS SDK v2 client");
    }
    sync.httpClientBuilder(ApacheHttpClient.builder().maxConnections(connections));
    Object built = aws.region(region).credentialsProvider(credentials).overrideConfiguration(effects).build();
    return type.cast(built);
  }

  /**
   * The client of {@code type} for a handler: the worker's own where it has one (DynamoDB, SES v2, SNS, SQS, S3),
   * otherwise one built on first use and kept ({@link #otherService}), so a handler needing a new AWS service
   * touches no file of the worker's.
   */
  public <T extends SdkClient> T client(Class<T> type) {
    Object known = type == DynamoDbClient.class ? dynamo : type == SesV2Client.class ? ses.get()
        : type == SnsClient.class ? sns.get() : type == SqsClient.class ? sqs.get()
        : type == S3Client.class ? s3.get() : null;
    return type.cast(known != null ? known : others.computeIfAbsent(type, otherService));
  }

  /** What sees the streams client's trimmed-data failures (the REPAIR policy listens to it). */
  TrimmedDataMonitor trimmedData() {
    return trimmed;
  }

  /**
   * A streams client: trimmed-data reporting when {@code trimmed} is given (KCL's), the endpoint override when one
   * is configured.
   */
  private static DynamoDbStreamsClient streamsClient(AwsSettings aws, AwsCredentialsProvider credentials,
      TrimmedDataMonitor trimmed, ClientOverrideConfiguration timeouts) {
    ClientOverrideConfiguration.Builder overrides = timeouts.toBuilder();
    if (trimmed != null) {
      overrides.addExecutionInterceptor(trimmed);
    }
    DynamoDbStreamsClientBuilder builder = DynamoDbStreamsClient.builder().credentialsProvider(credentials)
        .region(Region.of(aws.region()));
    aws.dynamoDb().ifPresent(builder::endpointOverride);
    return builder.overrideConfiguration(overrides.build()).build();
  }

  /** Every record thread may have a call open on each client at once; never below the SDK's default of 50. */
  static int connectionsFor(int recordThreads) {
    return Math.max(50, recordThreads);
  }

  /** A client built on first use, pointed at {@code endpoint} when one is configured. */
  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> Lazy<C> lazy(Supplier<B> builder,
      Optional<URI> endpoint, Region region, AwsCredentialsProvider credentials, ClientOverrideConfiguration timeouts,
      int connections) {
    return new Lazy<>(() -> {
      B configured = builder.get().region(region).credentialsProvider(credentials)
          .httpClientBuilder(ApacheHttpClient.builder().maxConnections(connections))
          .overrideConfiguration(timeouts);
      endpoint.ifPresent(configured::endpointOverride);
      return configured.build();
    });
  }

  /** Dummy credentials only when asked for (local stand-ins); otherwise the default chain, endpoint override or not. */
  private static AwsCredentialsProvider credentials(boolean dummy) {
    return dummy ? StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))
        : DefaultCredentialsProvider.builder().build();
  }

  public DynamoDbClient dynamo() {
    return dynamo;
  }

  public DynamoDbAsyncClient dynamoAsync() {
    return dynamoAsync;
  }

  /** The stream, read directly (fleet view, redrive, replay's checks). */
  public DynamoDbStreamsClient streams() {
    return streams;
  }

  /** The stream as KCL reads it: its trimmed-data failures go to {@link #trimmedData()}. */
  DynamoDbStreamsClient kclStreams() {
    return kclStreams;
  }

  public CloudWatchAsyncClient cloudWatch() {
    return cloudWatch;
  }

  /** SES v2, built on first use (only when the email handler runs). */
  public SesV2Client ses() {
    return ses.get();
  }

  /** The table's stream ARN, ready for the adapter and the streams client. */
  public String streamArn(String table) {
    return StreamLocator.latestStreamArn(dynamo, table);
  }

  /** SQS (the dead-letter queue), built on first use. */
  public SqsClient sqs() {
    return sqs.get();
  }

  /** S3 (the dead-letter overflow bucket), built on first use. */
  public S3Client s3() {
    return s3.get();
  }

  /** SNS, built on first use (only when the waitlist or analytics handler runs). */
  public SnsClient sns() {
    return sns.get();
  }

  @Override
  public void close() {
    dynamo.close();
    dynamoAsync.close();
    streams.close();
    kclStreams.close();
    cloudWatch.close();
    ses.ifCreated(SesV2Client::close);
    sns.ifCreated(SnsClient::close);
    sqs.ifCreated(SqsClient::close);
    s3.ifCreated(S3Client::close);
    others.values().forEach(client -> ((SdkClient) client).close());
  }

  /** A value made once, on first use. */
  private static final class Lazy<T> {
    private final Supplier<T> factory;
    private T value;

    Lazy(Supplier<T> factory) {
      this.factory = factory;
    }

    synchronized T get() {
      if (value == null) {
        value = factory.get();
      }
      return value;
    }

    synchronized void ifCreated(Consumer<T> action) {
      if (value != null) {
        action.accept(value);
      }
    }
  }
}
