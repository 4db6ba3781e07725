package dev.shopstream.local.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Region, dummy credentials and clients that every local stand-in accepts. */
public final class LocalAws {
  public static final Region REGION = Region.US_EAST_1;
  public static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

  private LocalAws() {}

  public static URI loopback(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  public static SnsClient sns(URI endpoint) {
    return client(SnsClient.builder(), endpoint);
  }

  public static SqsClient sqs(URI endpoint) {
    return client(SqsClient.builder(), endpoint);
  }

  /** A synchronous SDK client for a local stand-in: its endpoint, the region, dummy credentials, a call timeout. */
  public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, URI endpoint) {
    return builder.endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30))).build();
  }

  /** As {@link #client(AwsClientBuilder, URI)}, with at most {@code attempts} attempts per call (1: no SDK retries). */
  public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, URI endpoint,
      int attempts) {
    return builder.endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30))
            .retryStrategy(r -> r.maxAttempts(attempts)))
        .build();
  }
}
