package dev.shopstream.handlers;

import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;

/** The start-up check of an SNS topic a handler publishes to. */
public final class SnsTopicCheck {
  private SnsTopicCheck() {}

  /** @return a problem naming {@code setting} when the topic is missing, unreachable or not as required */
  public static List<String> check(SnsClient sns, String topicArn, String setting, boolean fifo) {
    try {
      var attributes = sns.getTopicAttributes(r -> r.topicArn(topicArn)).attributes();
      if (fifo && !"true".equalsIgnoreCase(attributes.getOrDefault("FifoTopic", "false"))) {
        return List.of(setting + ": topic " + topicArn + " is not a FIFO topic");
      }
      return List.of();
    } catch (SdkException e) {
      return List.of(setting + ": cannot use topic " + topicArn + ": " + AwsFailures.describe(e));
    }
  }
}
