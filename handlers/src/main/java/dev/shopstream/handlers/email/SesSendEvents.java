package dev.shopstream.handlers.email;

import dev.shopstream.handlers.AwsFailures;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.idempotency.ClaimTicket;
import dev.shopstream.handlers.idempotency.Reconciliation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SES's own record of what it accepted, as the reconciliation source of the email handler: SES
 * publishes send events of the configuration set to an SNS topic (event destination), a queue
 * subscribed to it holds them, a background {@link SendEventsReader} keeps that queue drained into
 * items {@code ses-accepted#<tag>} of the idempotency table ({@link AcceptedSends}).
 *
 * <p>A lookup never touches the queue: it reads the item (one consistent GetItem). Without one it
 * answers "not seen" only when the reader is caught up recently enough (see {@link #settleTime()});
 * otherwise, the reader being behind a backlog or failing, it throws a retryable failure (systemic when
 * the reader's failure is, e.g. a missing queue), so the caller holds the claim and asks again rather
 * than sending a second email.
 *
 * <p>SES publishes events within seconds, but not instantly: {@code settleTime} is how long after a
 * send its absence from the record is trusted (a takeover inside it waits, holding the claim).
 */
public final class SesSendEvents implements Reconciliation, AutoCloseable {
  /** The time a lookup itself may take, between its reading of the clock and its caller's. */
  private static final Duration LOOKUP_ALLOWANCE = Duration.ofSeconds(1);

  private final AcceptedSends accepted;
  private final SendEventsReader reader;
  private final Duration settleTime;
  private final Duration staleness;
  private final Clock clock;

  private SesSendEvents(AcceptedSends accepted, SendEventsReader reader, Duration settleTime, Clock clock) {
    this.accepted = accepted;
    this.reader = reader;
    this.settleTime = settleTime;
    // A caught-up instant is the start of a poll that waited; the next is published one poll and one
    // attributes call after the following poll starts: at most about two polls old while the reader keeps up.
    this.staleness = reader.pollWait().multipliedBy(2).plusSeconds(4);
    this.clock = clock;
  }

  /**
   * Starts reading {@code queueUrl} in the background; {@link #close} stops it.
   *
   * @param settleTime how long after a send its event is sure to be in the queue
   * @param retention how long recorded events are kept (the claims' retention)
   * @param pollWait how long each long poll waits (1 to 20 s)
   */
  public static SesSendEvents start(SqsClient sqs, String queueUrl, DynamoDbClient dynamo, String table,
      Duration settleTime, Duration retention, Clock clock, Duration pollWait) {
    return start(sqs, queueUrl, dynamo, table, settleTime, retention, clock, pollWait, Sleeper.REAL);
  }

  static SesSendEvents start(SqsClient sqs, String queueUrl, DynamoDbClient dynamo, String table,
      Duration settleTime, Duration retention, Clock clock, Duration pollWait, Sleeper sleeper) {
    AcceptedSends accepted = new AcceptedSends(dynamo, table, retention, clock);
    SendEventsReader reader = new SendEventsReader(sqs, queueUrl, accepted, pollWait, clock, sleeper).start();
    return new SesSendEvents(accepted, reader, settleTime, clock);
  }

  @Override
  public Evidence lookup(String scope, String key) {
    String tag = ClaimTicket.tag(scope, key);
    // The reader's progress first, the item after: whatever the progress vouches for was recorded before it.
    SendEventsReader.Progress progress = reader.progress();
    Optional<String> found;
    try {
      found = accepted.find(tag);
    } catch (SdkException e) {
      throw AwsFailures.classify("reading SES send events for " + scope + " " + key, e);
    }
    if (found.isPresent()) {
      return new Accepted(found.get());
    }
    Instant needed = clock.instant().minus(staleness);
    if (progress.caughtUpAsOf() != null && !progress.caughtUpAsOf().isBefore(needed)) {
      return new NotSeen();
    }
    String why = scope + " " + key + ": no SES send event recorded, and the send-events reader is not caught up as of "
        + needed + " (last caught up " + (progress.caughtUpAsOf() == null ? "never" : progress.caughtUpAsOf()) + ")";
    EffectFailure outage = progress.outage();
    if (outage != null) {
      String message = why + ": " + outage.getMessage();
      throw outage.systemic() ? EffectFailure.systemic(message, outage.getCause())
          : EffectFailure.retryable(message, outage.getCause());
    }
    throw EffectFailure.retryable(why + "; asking again later", null);
  }

  /**
   * The configured settle time plus how old a "caught up" a lookup accepts (two polls + 4 s), and 1 s for the
   * lookup's own time: by then "not seen" rests on a reading of the queue made after the event was sure to be
   * in it. (The {@link Reconciliation} interface does not say which instant a lookup is about; this margin
   * stands in for it.)
   */
  @Override
  public Duration settleTime() {
    return settleTime.plus(staleness).plus(LOOKUP_ALLOWANCE);
  }

  /** The reader's progress (tests, diagnostics). */
  SendEventsReader.Progress progress() {
    return reader.progress();
  }

  /** Stops the background reader. */
  @Override
  public void close() {
    reader.close();
  }
}
