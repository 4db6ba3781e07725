package dev.shopstream.handlers.email;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.handlers.AwsFailures;
import dev.shopstream.handlers.EffectFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Keeps the SES send-events queue drained, on one daemon thread, so that no lookup ever reads the queue
 * itself: events are recorded as they arrive instead of piling up between reconciliations (a day of
 * them, one per email sent). Each cycle long-polls (SQS's short poll may answer empty while messages
 * wait), records every tagged event ({@link AcceptedSends}) and only then deletes the batch.
 *
 * <p>"Caught up" is an observation with a date: a long poll that came back empty, followed by the
 * queue's attributes showing no message visible, in flight (another worker's reader holds it, not yet
 * recorded) or delayed: every event that reached the queue before that poll started has then been
 * recorded, so {@link Progress#caughtUpAsOf} is that start. Under a steady flow of events the queue is
 * never empty, so a poll that returned less than a full batch, after which nothing is left visible or
 * delayed, also counts, as of its start less the visibility timeout (other readers' batches in flight
 * are recorded, or back in the queue, within it). On a failure the reader backs off (1 s
 * doubling to 30 s) and logs one WARN per outage (and one INFO when it ends), not one per poll; the
 * outage's classified failure is kept for lookups to pass on (a missing queue is systemic).
 */
final class SendEventsReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SendEventsReader.class);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  /**
   * How long a received batch stays hidden from other readers. Short, because while any message is hidden the
   * queue cannot be seen caught up, and a reader killed mid-poll leaves what the poll then received hidden
   * this long; recording a batch takes well under it, and an event recorded twice is harmless.
   */
  static final Duration VISIBILITY = Duration.ofSeconds(5);
  /** SQS's most messages per receive. */
  private static final int MAX_BATCH = 10;
  /** Beyond the poll's wait, for the answer to arrive (the worker's SQS client times attempts out at 10 s). */
  private static final Duration ANSWER_MARGIN = Duration.ofSeconds(10);
  private static final List<QueueAttributeName> BACKLOG = List.of(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
      QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
      QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);

  /**
   * @param caughtUpAsOf the latest instant every event that reached the queue before it is known recorded;
   *     null: not yet
   * @param outage the failure of the reader's last cycle while it is failing; null when its last cycle worked
   */
  record Progress(Instant caughtUpAsOf, EffectFailure outage) {}

  private final SqsClient sqs;
  private final String queueUrl;
  private final AcceptedSends accepted;
  private final Duration pollWait;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicReference<Progress> progress = new AtomicReference<>(new Progress(null, null));
  private volatile boolean closed;
  private volatile Thread thread;

  SendEventsReader(SqsClient sqs, String queueUrl, AcceptedSends accepted, Duration pollWait, Clock clock,
      Sleeper sleeper) {
    if (pollWait.toSeconds() < 1 || pollWait.toSeconds() > 20) {
      throw new IllegalArgumentException("an SQS long poll waits 1 to 20 s, not " + pollWait);
    }
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.accepted = accepted;
    this.pollWait = pollWait;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Starts reading on a daemon thread named after the queue; {@link #close} stops it. */
  SendEventsReader start() {
    Thread reader = new Thread(this::run, "ses-send-events " + queueUrl.substring(queueUrl.lastIndexOf('/') + 1));
    reader.setDaemon(true);
    thread = reader;
    reader.start();
    return this;
  }

  Progress progress() {
    return progress.get();
  }

  Duration pollWait() {
    return pollWait;
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    Instant outageSince = null;
    int failedCycles = 0;
    while (!closed) {
      try {
        cycle();
        if (outageSince != null) {
          LOG.info("the SES send-events queue {} is read again, after {} failed attempts since {}", queueUrl,
              failedCycles, outageSince);
          outageSince = null;
          failedCycles = 0;
          backoff = FIRST_BACKOFF;
        }
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        EffectFailure failure = e instanceof SdkException sdk
            ? AwsFailures.classify("reading the SES send-events queue " + queueUrl, sdk)
            : EffectFailure.retryable("reading the SES send-events queue " + queueUrl + " failed: " + e, e);
        progress.updateAndGet(p -> new Progress(p.caughtUpAsOf(), failure));
        failedCycles++;
        if (outageSince == null) {
          outageSince = clock.instant();
          LOG.warn("{}; retrying with backoff up to {} s, and until it works a confirmation of unknown outcome is "
              + "held, not sent again{}", failure.getMessage(), MAX_BACKOFF.toSeconds(),
              failure.systemic() ? " (a setup problem: check SHOP_SES_EVENTS_QUEUE_URL and the task role)" : "");
        }
        try {
          sleeper.sleep(backoff);
        } catch (InterruptedException interrupted) {
          break;
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  /** One long poll: records and deletes what it returns, or, when it returns nothing, checks the backlog. */
  private void cycle() {
    Instant started = clock.instant();
    List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
        .maxNumberOfMessages(MAX_BATCH).waitTimeSeconds((int) pollWait.toSeconds())
        .visibilityTimeout((int) VISIBILITY.toSeconds())
        .overrideConfiguration(o -> o.apiCallAttemptTimeout(pollWait.plus(ANSWER_MARGIN))
            .apiCallTimeout(pollWait.plus(ANSWER_MARGIN)))).messages();
    if (!messages.isEmpty()) {
      recordThenDelete(messages);
    }
    if (messages.size() == MAX_BATCH) {
      progress.updateAndGet(p -> new Progress(p.caughtUpAsOf(), null)); // more may wait: not caught up
      return;
    }
    Map<QueueAttributeName, String> counts = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(BACKLOG))
        .attributes();
    long waiting = count(counts, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)
        + count(counts, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
    long inFlight = count(counts, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
    Instant asOf;
    if (messages.isEmpty()) {
      asOf = waiting + inFlight == 0 ? started : null;
    } else {
      // Under a steady flow of events the queue is never seen empty: a partial batch with nothing left
      // waiting means every event sent before this poll was received, by this reader or another one
      // that records it within its visibility timeout (or drops it, and it comes back as soon).
      asOf = waiting == 0 ? started.minus(VISIBILITY) : null;
    }
    progress.updateAndGet(p -> new Progress(asOf != null && (p.caughtUpAsOf() == null
        || asOf.isAfter(p.caughtUpAsOf())) ? asOf : p.caughtUpAsOf(), null));
  }

  private static long count(Map<QueueAttributeName, String> counts, QueueAttributeName name) {
    return Long.parseLong(counts.getOrDefault(name, "0"));
  }

  /** A message is deleted only once its event is recorded: a failure leaves it to come back and be read again. */
  private void recordThenDelete(List<Message> messages) {
    List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
    for (Message message : messages) {
      SendEventMessage.parse(message.body(), json).ifPresent(accepted::record);
      done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
          .receiptHandle(message.receiptHandle()).build());
    }
    var failed = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done)).failed();
    if (!failed.isEmpty()) {
      // Recorded already; such a message comes back after its visibility timeout and is recorded again.
      LOG.debug("{} SES events not deleted from {} (read again later): {}", failed.size(), queueUrl, failed.get(0));
    }
  }

  /** Stops the reader: at once when it waits, after its current call when it is in one (a daemon either way). */
  @Override
  public void close() {
    closed = true;
    Thread reader = thread;
    if (reader != null) {
      reader.interrupt();
      try {
        reader.join(Duration.ofSeconds(2).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
