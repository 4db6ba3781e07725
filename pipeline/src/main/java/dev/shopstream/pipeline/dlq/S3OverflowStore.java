package dev.shopstream.pipeline.dlq;

import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Oversized dead letters as S3 objects in one bucket ({@code SHOP_DLQ_OVERFLOW_BUCKET}). */
public final class S3OverflowStore implements OverflowStore {
  private final S3Client s3;
  private final String bucket;

  public S3OverflowStore(S3Client s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  public String bucket() {
    return bucket;
  }

  @Override
  public RecordLocation put(String key, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String fullKey = PREFIX + key;
    s3.putObject(r -> r.bucket(bucket).key(fullKey).contentType("application/json"), RequestBody.fromBytes(bytes));
    return RecordLocation.s3(bucket, fullKey, bytes.length);
  }

  @Override
  public String get(RecordLocation location) {
    try {
      return s3.getObjectAsBytes(r -> r.bucket(location.bucket()).key(location.key())).asUtf8String();
    } catch (NoSuchKeyException e) {
      throw new IllegalStateException("the letter's object s3://" + location.bucket() + "/" + location.key()
          + " is missing", e);
    }
  }

  @Override
  public void delete(RecordLocation location) {
    s3.deleteObject(r -> r.bucket(location.bucket()).key(location.key()));
  }
}
