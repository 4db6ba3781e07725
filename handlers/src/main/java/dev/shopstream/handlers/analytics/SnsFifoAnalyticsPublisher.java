package dev.shopstream.handlers.analytics;

import dev.shopstream.handlers.AwsFailures;
import dev.shopstream.handlers.EffectFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/** Publishes to an SNS FIFO topic with each message's group and deduplication ids, alone or up to 10 at once. */
public final class SnsFifoAnalyticsPublisher implements AnalyticsPublisher, BatchingAnalyticsPublisher.BatchSender {
  private final SnsClient sns;
  private final String topicArn;

  public SnsFifoAnalyticsPublisher(SnsClient sns, String topicArn) {
    if (!topicArn.endsWith(".fifo")) {
      throw new IllegalArgumentException("the analytics topic must be an SNS FIFO topic (name ending in .fifo): "
          + topicArn);
    }
    this.sns = sns;
    this.topicArn = topicArn;
  }

  @Override
  public void publish(AnalyticsMessage message) {
    try {
      sns.publish(r -> r.topicArn(topicArn).message(message.body()).messageGroupId(message.groupId())
          .messageDeduplicationId(message.deduplicationId()).messageAttributes(attributes(message)));
    } catch (SdkException e) {
      throw AwsFailures.classify("SNS Publish to the analytics topic", e);
    }
  }

  /** One PublishBatch call; entries keep their order within each message group. */
  @Override
  public List<RuntimeException> send(List<AnalyticsMessage> batch) {
    List<PublishBatchRequestEntry> entries = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      AnalyticsMessage message = batch.get(i);
      entries.add(PublishBatchRequestEntry.builder().id(Integer.toString(i)).message(message.body())
          .messageGroupId(message.groupId()).messageDeduplicationId(message.deduplicationId())
          .messageAttributes(attributes(message)).build());
    }
    PublishBatchResponse response;
    try {
      response = sns.publishBatch(r -> r.topicArn(topicArn).publishBatchRequestEntries(entries));
    } catch (SdkException e) {
      throw AwsFailures.classify("SNS PublishBatch to the analytics topic", e);
    }
    RuntimeException[] failures = new RuntimeException[batch.size()];
    for (BatchResultErrorEntry failed : response.failed()) {
      String message = "SNS PublishBatch entry to the analytics topic failed: " + failed.code() + ": "
          + failed.message();
      failures[Integer.parseInt(failed.id())] = Boolean.TRUE.equals(failed.senderFault())
          ? EffectFailure.permanent(message, null) : EffectFailure.retryable(message, null);
    }
    return Arrays.asList(failures);
  }

  private static Map<String, MessageAttributeValue> attributes(AnalyticsMessage message) {
    return message.attributes().entrySet().stream().collect(Collectors.toMap(
        Map.Entry::getKey, e -> MessageAttributeValue.builder().dataType("String").stringValue(e.getValue()).build()));
  }
}
