package dev.shopstream.pipeline.dlq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRedrive.class);

  private final SqsClient sqs;
  private final String queueUrl;
  private final DeadLetterCodec codec;
  private final OverflowStore overflow;
  private final StreamRecordFetcher stream;

  /** For queues holding inline letters only (a stored one is listed with a reason and not redriven). */
  public DeadLetterRedrive(SqsClient sqs, String queueUrl, DeadLetterCodec codec) {
    this(sqs, queueUrl, codec, null, null);
  }

  /**
   * @param overflow reads (and, after a redrive, deletes) letters stored in S3; null: none configured
   * @param stream re-reads records of stream references; null: not available
   */
  public DeadLetterRedrive(SqsClient sqs, String queueUrl, DeadLetterCodec codec, OverflowStore overflow,
      StreamRecordFetcher stream) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.codec = codec;
    this.overflow = overflow;
    this.stream = stream;
  }

  /**
   * One parked entry as read from the queue. {@code letter} is the whole letter (a letter stored in S3 is
   * fetched), or for a stream reference the letter with its record's keys and position only; null when
   * it cannot be read, with {@code decodeError} saying why.
   */
  public record Entry(String messageId, DeadLetter letter, String decodeError, RecordLocation location) {
    public Entry(String messageId, DeadLetter letter, String decodeError) {
      this(messageId, letter, decodeError, RecordLocation.INLINE);
    }
  }

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
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
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
          String failure = redriveOne(entry, replay);
          if (failure == null) {
            sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            deleteStored(entry);
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
      List<Message> batch =
          sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(Math.min(10, max - messages.size()))
          .visibilityTimeout(visibilitySeconds).waitTimeSeconds(0)).messages();
      List<Message> fresh = batch.stream().filter(m -> seen.add(m.messageId())).toList();
      if (fresh.isEmpty()) {
        break;
      }
      messages.addAll(fresh);
    }
    return messages;
  }

  private String redriveOne(Entry entry, Replay replay) {
    if (entry.letter() == null) {
      return "cannot decode: " + entry.decodeError();
    }
    DeadLetter letter = entry.letter();
    if (entry.location().storage() == RecordLocation.Storage.STREAM_REFERENCE) {
      if (stream == null) {
        return "its images were not stored and no stream reader is configured";
      }
      try {
        letter = letter.withRecord(stream.fetch(letter.source()));
      } catch (RuntimeException e) {
        return "cannot re-read the record from the stream: " + e.getMessage();
      }
    }
    return replay.replay(letter);
  }

  /** After a redrive went through and its message is gone: the stored letter goes too (an orphan otherwise). */
  private void deleteStored(Entry entry) {
    if (entry.location().storage() == RecordLocation.Storage.S3 && overflow != null) {
      try {
        overflow.delete(entry.location());
      } catch (RuntimeException e) {
        LOG.warn("redriven letter {}: could not delete its object {} ({}); remove it by hand", entry.messageId(),
            entry.location().describe(), e.toString());
      }
    }
  }

  private Entry entry(Message message) {
    DeadLetterCodec.Decoded decoded;
    try {
      decoded = codec.decodeMessage(message.body());
    } catch (RuntimeException e) {
      return new Entry(message.messageId(), null, e.getMessage());
    }
    RecordLocation location = decoded.location();
    if (location.storage() != RecordLocation.Storage.S3) {
      return new Entry(message.messageId(), decoded.letter(), null, location);
    }
    if (overflow == null) {
      return new Entry(message.messageId(), null, "the letter is stored in " + location.describe()
          + "; reading it needs SHOP_DLQ_OVERFLOW_BUCKET (and SHOP_S3_ENDPOINT where S3 is local)", location);
    }
    try {
      return new Entry(message.messageId(), codec.decode(overflow.get(location)), null, location);
    } catch (RuntimeException e) {
      return new Entry(message.messageId(), null, e.getMessage(), location);
    }
  }

}
