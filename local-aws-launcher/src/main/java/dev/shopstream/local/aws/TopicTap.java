package dev.shopstream.local.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * An SQS queue subscribed to an SNS topic with raw message delivery: how a consumer (and a test)
 * reads back what the worker published. FIFO topics get a FIFO queue.
 */
public final class TopicTap {
  private final SqsClient sqs;
  private final String queueUrl;
  private final List<Message> received = new ArrayList<>();

  private TopicTap(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  /** Creates the queue {@code queueName} (".fifo" is added for a FIFO topic) and subscribes it. */
  public static TopicTap subscribe(SnsClient sns, SqsClient sqs, String topicArn, String queueName) {
    return subscribe(sns, sqs, topicArn, queueName, null);
  }

  /**
   * As above, receiving only the messages {@code filterPolicy} (an SNS filter policy on message attributes) lets
   * through.
   */
  public static TopicTap subscribe(SnsClient sns, SqsClient sqs, String topicArn, String queueName,
      String filterPolicy) {
    boolean fifo = topicArn.endsWith(".fifo");
    String name = fifo ? queueName + ".fifo" : queueName;
    String queueUrl = sqs.createQueue(r -> r.queueName(name).attributes(fifo
        ? Map.of(QueueAttributeName.FIFO_QUEUE, "true") : Map.of())).queueUrl();
    String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    Map<String, String> attributes = filterPolicy == null ? Map.of("RawMessageDelivery", "true")
        : Map.of("RawMessageDelivery", "true", "FilterPolicy", filterPolicy);
    sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn).attributes(attributes));
    return new TopicTap(sqs, queueUrl);
  }

  public String queueUrl() {
    return queueUrl;
  }

  /** Receives (and deletes) until at least {@code count} messages arrived in total or time runs out. */
  public List<Message> awaitAtLeast(int count, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (received.size() < count && Instant.now().isBefore(deadline)) {
      receiveOnce(1);
    }
    return List.copyOf(received);
  }

  /** Everything received so far plus what is in the queue now. */
  public List<Message> drain() {
    while (receiveOnce(0) > 0) {
      // keep going while the queue yields messages
    }
    return List.copyOf(received);
  }

  private int receiveOnce(int waitSeconds) {
    List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
        .waitTimeSeconds(waitSeconds)
        .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    for (Message message : batch) {
      received.add(message);
      sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
    }
    return batch.size();
  }
}
