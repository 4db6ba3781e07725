package dev.shopstream.handlers;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;

/** The start-up check of an SNS topic a handler publishes to. */
public final class SnsTopicCheck {
  private static final Logger LOG = LoggerFactory.getLogger(SnsTopicCheck.class);

  private SnsTopicCheck() {}

  /**
   * @return a problem naming {@code setting} when the topic is missing, unreachable or not as required; a
   *     transient failure (an outage: 5xx, throttling, a timeout) is logged and passes, so a task replaced
   *     during an outage starts and holds its records instead of failing its start again and again
   */
  public static List<String> check(SnsClient sns, String topicArn, String setting, boolean fifo) {
    try {
      var attributes = sns.getTopicAttributes(r -> r.topicArn(topicArn)).attributes();
      if (fifo && !"true".equalsIgnoreCase(attributes.getOrDefault("FifoTopic", "false"))) {
        return List.of(setting + ": topic " + topicArn + " is not a FIFO topic");
      }
      return List.of();
    } catch (SdkException e) {
      if (AwsFailures.isTransient(e)) {
        LOG.warn("{}: topic {} did not answer at start ({}); starting anyway: its notifications hold and are retried "
            + "until it does", setting, topicArn, AwsFailures.describe(e));
        return List.of();
      }
      return List.of(setting + ": cannot use topic " + topicArn + ": " + AwsFailures.describe(e));
    }
  }
}
