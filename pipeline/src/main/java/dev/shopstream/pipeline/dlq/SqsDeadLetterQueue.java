package dev.shopstream.pipeline.dlq;

import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Dead letters as SQS messages: the JSON of {@link DeadLetterCodec}, with message attributes
 * {@code kind}, {@code handler} and {@code shardId} for filtering. A failed send propagates, so the
 * shard holds until the queue takes the record.
 */
public final class SqsDeadLetterQueue implements DeadLetterQueue {
  private final SqsClient sqs;
  private final String queueUrl;
  private final DeadLetterCodec codec;

  public SqsDeadLetterQueue(SqsClient sqs, String queueUrl, DeadLetterCodec codec) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.codec = codec;
  }

  @Override
  public void park(DeadLetter letter) {
    String body = codec.encode(letter);
    sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body).messageAttributes(Map.of(
        "kind", text(letter.kind().name()),
        "handler", text(letter.handler() == null ? "-" : letter.handler()),
        "shardId", text(letter.source().shardId()))));
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
