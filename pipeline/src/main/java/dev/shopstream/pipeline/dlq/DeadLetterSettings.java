package dev.shopstream.pipeline.dlq;

import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.util.Optional;

/**
 * Where records that cannot be handled are parked.
 *
 * @param queueUrl the SQS dead-letter queue
 * @param overflowBucket the S3 bucket for letters larger than the queue takes, if one is configured
 */
public record DeadLetterSettings(String queueUrl, Optional<String> overflowBucket) {
  public static final Setting<String> QUEUE_URL = Setting.text("SHOP_DLQ_URL", "", Rule.optionalQueueUrl(),
      "SQS queue URL of the dead-letter queue (rejected records, permanent handler failures, exhausted retries). "
          + "Required.");
  public static final Setting<String> OVERFLOW_BUCKET = Setting.text("SHOP_DLQ_OVERFLOW_BUCKET", "",
      Rule.pattern("|[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "an S3 bucket name: 3-63 lower-case letters, digits, '.', '-'"),
      "S3 bucket for dead letters larger than the queue's MaximumMessageSize (a MODIFY of big items): the whole "
          + "letter is stored under dead-letters/ and the message carries its key (claim check). Empty: such a "
          + "letter is parked without its images (logged at ERROR, counted in shop.dlq.oversized{stored=stream}) and "
          + "redrive re-reads them from the stream, which keeps them 24 h; set it in production.");

  /** Reads this slice, reporting a missing queue. */
  public static DeadLetterSettings read(SettingValues values) {
    String queue = values.required(QUEUE_URL,
        "to an SQS queue URL: records that cannot be handled are parked there, never dropped");
    return new DeadLetterSettings(queue, Optional.of(values.get(OVERFLOW_BUCKET)).filter(bucket -> !bucket.isEmpty()));
  }
}
