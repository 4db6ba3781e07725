package dev.shopstream.pipeline.dlq;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Dead letters as SQS messages: the JSON of {@link DeadLetterCodec}, with message attributes
 * {@code kind}, {@code handler} and {@code shardId} for filtering. A failed send propagates, so the
 * shard holds until the queue takes the record; each failure counts in {@code shop.dlq.write.failures}.
 *
 * <p>The queue's {@code MaximumMessageSize} is read once, when this is built (at start). A letter
 * above it (or above SQS's hard limit of 1 MiB) is never refused for its size: with an overflow store
 * the whole letter becomes an S3 object under {@code dead-letters/} and the message carries its
 * location and a summary (claim check); without one the message carries everything but the images
 * (a stream reference, logged at ERROR), so the shard moves on and redrive re-reads the record from the
 * stream while it is kept. Both count in {@code shop.dlq.oversized{stored}}.
 */
public final class SqsDeadLetterQueue implements DeadLetterQueue {
  /** SQS's largest message, body plus attributes, whatever a queue says. */
  public static final int SQS_MAX_MESSAGE_BYTES = 1_048_576;
  private static final Logger LOG = LoggerFactory.getLogger(SqsDeadLetterQueue.class);

  private final SqsClient sqs;
  private final String queueUrl;
  private final DeadLetterCodec codec;
  private final OverflowStore overflow;
  private final MeterRegistry registry;
  private final int maxMessageBytes;

  /** No overflow store (oversized letters become stream references), metrics not kept. */
  public SqsDeadLetterQueue(SqsClient sqs, String queueUrl, DeadLetterCodec codec) {
    this(sqs, queueUrl, codec, null, new SimpleMeterRegistry());
  }

  /**
   * Reads the queue's {@code MaximumMessageSize} now.
   *
   * @param overflow where oversized letters go whole; null: they go as stream references
   * @throws IllegalStateException when the queue's attributes cannot be read
   */
  public SqsDeadLetterQueue(SqsClient sqs, String queueUrl, DeadLetterCodec codec, OverflowStore overflow,
      MeterRegistry registry) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.codec = codec;
    this.overflow = overflow;
    this.registry = registry;
    this.maxMessageBytes = Math.min(SQS_MAX_MESSAGE_BYTES, maximumMessageSize(sqs, queueUrl));
    for (DeadLetter.Kind kind : DeadLetter.Kind.values()) {
      failures(kind); // present at 0 from the start, so an alarm on its increase sees the first one
    }
  }

  private Counter failures(DeadLetter.Kind kind) {
    return Counter.builder("shop.dlq.write.failures")
        .description("Dead-letter writes that failed (the record holds its key until one succeeds)")
        .tag("kind", kind.name()).register(registry);
  }

  private static int maximumMessageSize(SqsClient sqs, String queueUrl) {
    String value;
    try {
      value = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.MAXIMUM_MESSAGE_SIZE))
          .attributes().get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE);
    } catch (RuntimeException e) {
      throw new IllegalStateException("dead-letter queue " + queueUrl + ": cannot read its MaximumMessageSize ("
          + e.getMessage() + ")", e);
    }
    return value == null ? SQS_MAX_MESSAGE_BYTES : Integer.parseInt(value);
  }

  /** The largest message this queue takes: its MaximumMessageSize, at most 1 MiB. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Records above this (DynamoDB's SizeBytes) are parked {@link #BIG_PARKS_AT_ONCE} at a time: each makes
   * several megabytes of transient copies (the JSON letter, its UTF-8 bytes, the request), and a catch-up
   * through a run of big poison items would otherwise make them on every record thread at once.
   */
  static final long BIG_RECORD_BYTES = 64 * 1024;
  static final int BIG_PARKS_AT_ONCE = 2;
  private final Semaphore bigParks = new Semaphore(BIG_PARKS_AT_ONCE);

  @Override
  public void park(DeadLetter letter) {
    Long size = letter.record().dynamodb() == null ? null : letter.record().dynamodb().sizeBytes();
    if (size == null || size <= BIG_RECORD_BYTES) {
      send(letter);
      return;
    }
    bigParks.acquireUninterruptibly();
    try {
      send(letter);
    } finally {
      bigParks.release();
    }
  }

  private void send(DeadLetter letter) {
    try {
      Map<String, MessageAttributeValue> attributes = Map.of(
          "kind", text(letter.kind().name()),
          "handler", text(letter.handler() == null ? "-" : letter.handler()),
          "shardId", text(letter.source().shardId()));
      String body = fitting(letter, attributes);
      sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body).messageAttributes(attributes));
    } catch (RuntimeException e) {
      failures(letter.kind()).increment();
      throw e;
    }
  }

  /** The message body: the whole letter when it fits, else a claim check or a stream reference. */
  private String fitting(DeadLetter letter, Map<String, MessageAttributeValue> attributes) {
    String whole = codec.encode(letter);
    long wholeBytes = messageBytes(whole, attributes);
    if (wholeBytes <= maxMessageBytes) {
      return whole;
    }
    String body;
    if (overflow != null) {
      String key = letter.source().table() + "/" + letter.source().shardId() + "/" + letter.source().sequenceNumber()
          + "/" + UUID.randomUUID() + ".json";
      body = codec.encodeClaimCheck(letter, overflow.put(key, whole));
      oversized("s3");
    } else {
      long recordBytes = codec.recordBytes(letter);
      body = codec.encodeStreamReference(letter, recordBytes);
      LOG.error("dead letter of record {} (shard {}) is {} bytes, above the queue's {}; no SHOP_DLQ_OVERFLOW_BUCKET "
          + "is set, so it is parked WITHOUT its images: redrive re-reads them from the stream while it keeps them "
          + "(24 h)", letter.source().sequenceNumber(), letter.source().shardId(), wholeBytes, maxMessageBytes);
      oversized("stream");
    }
    long bytes = messageBytes(body, attributes);
    if (bytes > maxMessageBytes) {
      throw new IllegalStateException("dead letter of record " + letter.source().sequenceNumber()
          + ": even its summary is " + bytes + " bytes, above the queue's MaximumMessageSize " + maxMessageBytes
          + "; raise it (up to 1 MiB)");
    }
    return body;
  }

  private void oversized(String stored) {
    Counter.builder("shop.dlq.oversized").description("Dead letters above the queue's message size, by where the "
        + "record went")
        .tag("stored", stored).register(registry).increment();
  }

  /** What SQS counts against MaximumMessageSize: the body and each attribute's name, type and value, in UTF-8. */
  static long messageBytes(String body, Map<String, MessageAttributeValue> attributes) {
    long bytes = utf8(body);
    for (Map.Entry<String, MessageAttributeValue> attribute : attributes.entrySet()) {
      bytes += utf8(attribute.getKey()) + utf8(attribute.getValue().dataType())
          + utf8(attribute.getValue().stringValue());
    }
    return bytes;
  }

  private static long utf8(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
