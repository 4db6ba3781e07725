package dev.shopstream.pipeline.dlq;

/**
 * Where a dead letter's stream record is kept.
 *
 * @param bucket, key set for {@link Storage#S3}
 * @param bytes size of the full letter (S3) or of the record's JSON (stream reference); 0 when inline
 */
public record RecordLocation(Storage storage, String bucket, String key, long bytes) {
  public static final RecordLocation INLINE = new RecordLocation(Storage.INLINE, null, null, 0);

  /** How the record travels with its letter. */
  public enum Storage {
    /** In the SQS message itself (JSON, or gzip+base64 above 64 KB). */
    INLINE,
    /** The whole letter is an S3 object (claim check); the message carries its location and a summary. */
    S3,
    /**
     * Too large for the queue and no overflow bucket configured: the message carries everything but the
     * images (keys, position, error); redrive re-reads the record from the stream while it keeps it (24 h).
     */
    STREAM_REFERENCE
  }

  public static RecordLocation s3(String bucket, String key, long bytes) {
    return new RecordLocation(Storage.S3, bucket, key, bytes);
  }

  public static RecordLocation streamReference(long bytes) {
    return new RecordLocation(Storage.STREAM_REFERENCE, null, null, bytes);
  }

  public String describe() {
    return switch (storage) {
      case INLINE -> "inline";
      case S3 -> String.format("s3://%s/%s (%,d bytes)", bucket, key, bytes);
      case STREAM_REFERENCE -> String.format("images NOT stored (record %,d bytes, above the queue's limit, no "
          + "SHOP_DLQ_OVERFLOW_BUCKET): redrive re-reads it from the stream while it is kept (24 h)", bytes);
    };
  }
}
