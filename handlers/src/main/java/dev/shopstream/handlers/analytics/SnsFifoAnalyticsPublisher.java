package dev.shopstream.handlers.analytics;

import dev.shopstream.handlers.AwsFailures;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** Publishes to an SNS FIFO topic with the message's group and deduplication ids. */
public final class SnsFifoAnalyticsPublisher implements AnalyticsPublisher {
  private final SnsClient sns;
  private final String topicArn;

  public SnsFifoAnalyticsPublisher(SnsClient sns, String topicArn) {
    if (!topicArn.endsWith(".fifo")) {
      throw new IllegalArgumentException("the analytics topic must be an SNS FIFO topic (name ending in .fifo): " + topicArn);
    }
    this.sns = sns;
    this.topicArn = topicArn;
  }

  @Override
  public void publish(AnalyticsMessage message) {
    Map<String, MessageAttributeValue> attributes = message.attributes().entrySet().stream().collect(Collectors.toMap(
        Map.Entry::getKey, e -> MessageAttributeValue.builder().dataType("String").stringValue(e.getValue()).build()));
    try {
      sns.publish(r -> r.topicArn(topicArn).message(message.body()).messageGroupId(message.groupId())
          .messageDeduplicationId(message.deduplicationId()).messageAttributes(attributes));
    } catch (SdkException e) {
      throw AwsFailures.classify("SNS Publish to the analytics topic", e);
    }
  }
}
