package dev.shopstream.pipeline.kcl;

/**
 * Stream ARN region handling for DynamoDB Local, whose ARNs carry the pseudo-region
 * {@code ddblocal} that the Streams adapter refuses.
 */
final class StreamArns {
  static final String LOCAL_REGION = "ddblocal";

  private StreamArns() {}

  /** The ARN with its region field (the 4th) replaced. */
  static String withRegion(String arn, String region) {
    String[] parts = arn.split(":", 6);
    if (parts.length < 6 || !"arn".equals(parts[0])) {
      throw new IllegalArgumentException("not an ARN: " + arn);
    }
    parts[3] = region;
    return String.join(":", parts);
  }

  static String regionOf(String arn) {
    String[] parts = arn.split(":", 6);
    return parts.length < 6 ? "" : parts[3];
  }
}
