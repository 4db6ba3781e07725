package dev.shopstream.local;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Region and dummy credentials that every local stand-in accepts. */
public final class LocalAws {
  public static final Region REGION = Region.US_EAST_1;
  public static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

  private LocalAws() {}

  public static URI loopback(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }
}
