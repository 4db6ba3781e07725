package dev.shopstream.handlers.email;

import dev.shopstream.handlers.AwsFailures;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The start-up check of the SES send-events queue: it exists and its attributes can be read (the reader
 * needs GetQueueAttributes to know it is caught up). Without it a misspelt URL would show only as every
 * confirmation of unknown outcome being held, long after the worker looked healthy.
 */
final class SesEventsQueueCheck {
  private SesEventsQueueCheck() {}

  /** @return one line naming {@code setting} when the queue is missing or unreadable; empty when usable */
  static List<String> check(SqsClient sqs, String queueUrl, String setting) {
    try {
      sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
          .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
      return List.of();
    } catch (SdkException e) {
      if (missing(e)) {
        return List.of(setting + ": queue " + queueUrl + " does not exist: set the URL of the queue subscribed to the "
            + "SES configuration set's event topic (docs/architecture.md, Reconciliation source), or leave it empty "
            + "to run without");
      }
      return List.of(setting + ": cannot read queue " + queueUrl + ": " + AwsFailures.describe(e));
    }
  }

  private static boolean missing(SdkException e) {
    if (e instanceof QueueDoesNotExistException) {
      return true;
    }
    String code = e instanceof AwsServiceException service && service.awsErrorDetails() != null
        ? service.awsErrorDetails().errorCode() : "";
    return "QueueDoesNotExist".equals(code) || "AWS.SimpleQueueService.NonExistentQueue".equals(code);
  }
}
