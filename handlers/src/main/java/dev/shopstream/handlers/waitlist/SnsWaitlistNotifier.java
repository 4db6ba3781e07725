package dev.shopstream.handlers.waitlist;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shopstream.handlers.AwsFailures;
import dev.shopstream.handlers.FifoGroupIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/**
 * One SNS message per waitlisted user, sent with PublishBatch. Message attributes {@code productId},
 * {@code userId} and {@code channel} let subscribers filter (e.g. an SMS sender takes channel=sms);
 * {@code noticeId} is the same on every attempt of one restock and user.
 *
 * <p>On a FIFO topic (its ARN ends in {@code .fifo}) the notice id is also the message's deduplication id
 * and the user its message group: SNS drops a repeat published within its 5-minute deduplication
 * interval, which closes the one window the claim cannot (a worker gone between the publish and its
 * completion, the next holder publishing again). On a standard topic subscribers see such a repeat
 * and can drop it by {@code noticeId}.
 */
public final class SnsWaitlistNotifier implements WaitlistNotifier {
  /** What a notice id (a claim tag: 32 hex characters) adds to a message's size. */
  private static final String NOTICE_ID_SHAPE = "0".repeat(32);

  private final SnsClient sns;
  private final String topicArn;
  private final ObjectMapper json;
  private final boolean fifo;

  public SnsWaitlistNotifier(SnsClient sns, String topicArn, ObjectMapper json) {
    this.sns = sns;
    this.topicArn = topicArn;
    this.json = json;
    this.fifo = topicArn.endsWith(".fifo");
  }

  /**
   * Cut by count (10) and by bytes (256 KiB of bodies and attributes per call); an entry too large alone goes alone.
   */
  @Override
  public List<List<WaitlistEntry>> batches(String productName, List<WaitlistEntry> entries) {
    List<List<WaitlistEntry>> batches = new ArrayList<>();
    List<WaitlistEntry> current = new ArrayList<>();
    long bytes = 0;
    for (WaitlistEntry entry : entries) {
      long size = size(productName, entry);
      if (!current.isEmpty() && (current.size() == MAX_BATCH || bytes + size > MAX_BATCH_BYTES)) {
        batches.add(List.copyOf(current));
        current.clear();
        bytes = 0;
      }
      current.add(entry);
      bytes += size;
    }
    if (!current.isEmpty()) {
      batches.add(List.copyOf(current));
    }
    return batches;
  }

  /** What SNS counts towards a call's 256 KiB: the body and each attribute's name, type and value, in UTF-8 bytes. */
  long size(String productName, WaitlistEntry entry) {
    long size = utf8(body(productName, entry));
    for (Map.Entry<String, MessageAttributeValue> attribute : attributes(entry, NOTICE_ID_SHAPE).entrySet()) {
      size += utf8(attribute.getKey()) + utf8(attribute.getValue().dataType())
          + utf8(attribute.getValue().stringValue());
    }
    return size;
  }

  private static long utf8(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public Outcome publish(String productName, List<WaitlistEntry> entries, Function<WaitlistEntry, String> noticeIdOf) {
    if (entries.size() > MAX_BATCH) {
      throw new IllegalArgumentException("at most " + MAX_BATCH + " notifications per batch, got " + entries.size());
    }
    long bytes = entries.stream().mapToLong(e -> size(productName, e)).sum();
    if (entries.size() > 1 && bytes > MAX_BATCH_BYTES) {
      throw new IllegalArgumentException("at most " + MAX_BATCH_BYTES + " bytes per batch, got " + bytes);
    }
    Map<String, WaitlistEntry> byId = new HashMap<>();
    List<PublishBatchRequestEntry> requests = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      WaitlistEntry entry = entries.get(i);
      String id = "n" + i;
      byId.put(id, entry);
      String noticeId = noticeIdOf.apply(entry);
      PublishBatchRequestEntry.Builder request = PublishBatchRequestEntry.builder().id(id)
          .message(body(productName, entry)).messageAttributes(attributes(entry, noticeId));
      if (fifo) {
        request.messageGroupId(FifoGroupIds.of("user/" + entry.userId())).messageDeduplicationId(noticeId);
      }
      requests.add(request.build());
    }
    PublishBatchResponse response;
    try {
      response = sns.publishBatch(r -> r.topicArn(topicArn).publishBatchRequestEntries(requests));
    } catch (SdkException e) {
      throw AwsFailures.classifyEffect("SNS PublishBatch to the waitlist topic", e);
    }
    List<WaitlistEntry> delivered = response.successful().stream().map(s -> byId.get(s.id()))
        .filter(Objects::nonNull).toList();
    List<Failure> failures = new ArrayList<>();
    for (BatchResultErrorEntry failed : response.failed()) {
      WaitlistEntry entry = byId.get(failed.id());
      if (entry != null) {
        failures.add(failure(entry, failed));
      }
    }
    return new Outcome(delivered, failures);
  }

  /**
   * SNS marks each refused entry with {@code SenderFault}: true means the entry itself is wrong (an
   * attribute SNS rejects, a message too long), so it is permanent; false (a fault on SNS's side) and
   * an absent flag stay retryable.
   */
  static Failure failure(WaitlistEntry entry, BatchResultErrorEntry failed) {
    boolean senderFault = Boolean.TRUE.equals(failed.senderFault());
    return new Failure(entry, "user '" + entry.userId() + "': " + failed.code() + " " + failed.message()
        + (senderFault ? " (sender fault: not retried)" : " (receiver fault)"), senderFault);
  }

  private static Map<String, MessageAttributeValue> attributes(WaitlistEntry entry, String noticeId) {
    return Map.of("productId", attribute(entry.productId()), "userId", attribute(entry.userId()),
        "channel", attribute(entry.channel()), "noticeId", attribute(noticeId));
  }

  private String body(String productName, WaitlistEntry entry) {
    ObjectNode message = json.createObjectNode();
    message.put("productId", entry.productId());
    message.put("productName", productName);
    message.put("userId", entry.userId());
    message.put("channel", entry.channel());
    message.put("contact", entry.contact());
    message.put("text", (productName != null ? productName : "A product you wanted") + " is back in stock.");
    return message.toString();
  }

  private static MessageAttributeValue attribute(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
