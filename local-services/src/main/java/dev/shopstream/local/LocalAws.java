package dev.shopstream.local;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
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
    return SnsClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30))).build();
  }

  public static SqsClient sqs(URI endpoint) {
    return SqsClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30))).build();
  }
}
