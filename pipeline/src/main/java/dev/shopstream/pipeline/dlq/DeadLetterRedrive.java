package dev.shopstream.pipeline.dlq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Operations on the dead-letter queue: list what is parked, and redrive it through the handlers
 * (idempotency claims keep that safe), deleting each entry that goes through.
 */
public final class DeadLetterRedrive {
  private static final int LIST_VISIBILITY_SECONDS = 0;
  private static final int REDRIVE_VISIBILITY_SECONDS = 120;

  private final SqsClient sqs;
  private final String queueUrl;
  private final DeadLetterCodec codec;

  public DeadLetterRedrive(SqsClient sqs, String queueUrl, DeadLetterCodec codec) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.codec = codec;
  }

  /** One parked entry as read from the queue; {@code letter} is null when it cannot be decoded. */
  public record Entry(String messageId, DeadLetter letter, String decodeError) {}

  /** What a redrive did with one entry; {@code failure} is null when it went through (and was deleted). */
  public record Outcome(Entry entry, String failure) {}

  /** Runs a parked letter's record again, once. */
  @FunctionalInterface
  public interface Replay {
    /** @return null when it went through, else why it still fails */
    String replay(DeadLetter letter);
  }

  /**
   * Messages parked: those waiting plus those in flight (received by a list or redrive and not yet
   * visible again); counting only the waiting ones would show 0 while a redrive is under way.
   */
  public long depth() {
    var attributes = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
        .attributes();
    return Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
        + Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
  }

  /** Up to {@code max} entries, left in the queue. */
  public List<Entry> list(int max) {
    List<Entry> entries = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Message message : receive(max, LIST_VISIBILITY_SECONDS)) {
      if (seen.add(message.messageId())) {
        entries.add(entry(message));
      }
    }
    return entries;
  }

  /**
   * Redrives up to {@code max} entries through {@code replay}. Entries that still fail are made
   * visible again once the run is over (not during it, or the run would receive them again).
   */
  public List<Outcome> redrive(int max, Replay replay) {
    List<Outcome> outcomes = new ArrayList<>();
    Map<String, String> stillFailing = new HashMap<>();
    try {
      while (outcomes.size() < max) {
        List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
            .maxNumberOfMessages(Math.min(10, max - outcomes.size())).visibilityTimeout(REDRIVE_VISIBILITY_SECONDS)
            .waitTimeSeconds(1)).messages();
        boolean fresh = false;
        for (Message message : batch) {
          if (stillFailing.containsKey(message.messageId())) {
            stillFailing.put(message.messageId(), message.receiptHandle());
            continue;
          }
          fresh = true;
          Entry entry = entry(message);
          String failure = entry.letter() == null ? "cannot decode: " + entry.decodeError() : replay.replay(entry.letter());
          if (failure == null) {
            sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
          } else {
            stillFailing.put(message.messageId(), message.receiptHandle());
          }
          outcomes.add(new Outcome(entry, failure));
        }
        if (!fresh) {
          break;
        }
      }
    } finally {
      stillFailing.values().forEach(handle ->
          sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(handle).visibilityTimeout(0)));
    }
    return outcomes;
  }

  private List<Message> receive(int max, int visibilitySeconds) {
    List<Message> messages = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (messages.size() < max) {
      List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(Math.min(10, max - messages.size()))
          .visibilityTimeout(visibilitySeconds).waitTimeSeconds(0)).messages();
      List<Message> fresh = batch.stream().filter(m -> seen.add(m.messageId())).toList();
      if (fresh.isEmpty()) {
        break;
      }
      messages.addAll(fresh);
    }
    return messages;
  }

  private Entry entry(Message message) {
    try {
      return new Entry(message.messageId(), codec.decode(message.body()), null);
    } catch (RuntimeException e) {
      return new Entry(message.messageId(), null, e.getMessage());
    }
  }

}
