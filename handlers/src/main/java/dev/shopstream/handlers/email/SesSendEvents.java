package dev.shopstream.handlers.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.handlers.AwsFailures;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.idempotency.ClaimTicket;
import dev.shopstream.handlers.idempotency.DynamoIdempotencyStore;
import dev.shopstream.handlers.idempotency.Reconciliation;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * SES's own record of what it accepted, as the reconciliation source of the email handler: SES
 * publishes send events of the configuration set to an SNS topic (event destination), a queue
 * subscribed to it holds them, and this class reads that queue. Each event whose message carries the
 * {@link ConfirmationEmailHandler#CLAIM_TAG} tag is written as an item {@code ses-accepted#<tag>} to
 * the idempotency table (so every worker sees what any worker read), then deleted from the queue.
 * A lookup reads the queue first (until it is empty, for at most 20 s: a backlog left over makes the
 * lookup fail retryably rather than answer "not seen"), then that item. The queue is read only when a
 * claim must be reconciled, so events gather between reconciliations (a background reader is a
 * possible refinement).
 *
 * <p>SES publishes events within seconds, but not instantly: {@code settleTime} is how long after a
 * send its absence from the record is trusted (a takeover inside it waits, holding the claim).
 * Accepts SNS envelopes and raw message delivery alike.
 */
public final class SesSendEvents implements Reconciliation {
  private static final Logger LOG = LoggerFactory.getLogger(SesSendEvents.class);
  private static final String PREFIX = "ses-accepted#";
  private static final Duration DEFAULT_DRAIN_BUDGET = Duration.ofSeconds(20);

  private final SqsClient sqs;
  private final String queueUrl;
  private final DynamoDbClient dynamo;
  private final String table;
  private final Duration settleTime;
  private final Duration retention;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final Duration drainBudget = DEFAULT_DRAIN_BUDGET;

  public SesSendEvents(SqsClient sqs, String queueUrl, DynamoDbClient dynamo, String table, Duration settleTime,
      Duration retention, Clock clock) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.dynamo = dynamo;
    this.table = table;
    this.settleTime = settleTime;
    this.retention = retention;
    this.clock = clock;
  }

  @Override
  public Evidence lookup(String scope, String key) {
    String tag = ClaimTicket.tag(scope, key);
    try {
      boolean caughtUp = drain(drainBudget);
      Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
          .key(Map.of(DynamoIdempotencyStore.KEY, AttributeValue.fromS(PREFIX + tag)))).item();
      if (item == null || item.isEmpty()) {
        if (!caughtUp) {
          // Its event may be behind the backlog still in the queue: not seen is not known yet.
          throw EffectFailure.retryable("the SES events queue still has a backlog after " + drainBudget.toSeconds()
              + " s of reading; reconciling " + scope + " " + key + " again later", null);
        }
        return new NotSeen();
      }
      return new Accepted("accepted by SES as message " + item.get("messageId").s() + " at " + item.get("at").s());
    } catch (SdkException e) {
      throw AwsFailures.classify("reading SES send events for " + scope + " " + key, e);
    }
  }

  @Override
  public Duration settleTime() {
    return settleTime;
  }

  /**
   * Records the events waiting in the queue, for at most {@code budget} (what is read is recorded,
   * so a later call goes on from there).
   *
   * @return true when the queue came back empty (caught up) within the budget
   */
  public synchronized boolean drain(Duration budget) {
    long started = System.nanoTime();
    while (System.nanoTime() - started < budget.toNanos()) {
      List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
          .messages();
      if (messages.isEmpty()) {
        return true;
      }
      for (Message message : messages) {
        record(message.body());
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
      }
    }
    return false;
  }

  private void record(String body) {
    JsonNode event;
    try {
      JsonNode outer = json.readTree(body);
      event = outer.has("Message") && outer.path("Type").asText().equals("Notification")
          ? json.readTree(outer.get("Message").asText()) : outer;
    } catch (IOException e) {
      LOG.warn("ignoring a message in the SES events queue that is not JSON");
      return;
    }
    JsonNode mail = event.path("mail");
    JsonNode claim = mail.path("tags").path(ConfirmationEmailHandler.CLAIM_TAG);
    String tag = claim.isArray() ? claim.path(0).asText(null) : claim.asText(null);
    if (tag == null || tag.isEmpty()) {
      return;
    }
    String type = event.path("eventType").asText(event.path("notificationType").asText("?"));
    Instant now = clock.instant();
    // UpdateItem, as the claims themselves: the worker's policy on the idempotency table needs no PutItem.
    dynamo.updateItem(r -> r.tableName(table)
        .key(Map.of(DynamoIdempotencyStore.KEY, AttributeValue.fromS(PREFIX + tag)))
        .updateExpression("SET messageId = :messageId, eventType = :type, #at = :at, #ttl = :expiresAt")
        .expressionAttributeNames(Map.of("#at", "at", "#ttl", DynamoIdempotencyStore.TTL_ATTRIBUTE))
        .expressionAttributeValues(Map.of(
            ":messageId", AttributeValue.fromS(mail.path("messageId").asText("?")),
            ":type", AttributeValue.fromS(type),
            ":at", AttributeValue.fromS(mail.path("timestamp").asText(now.toString())),
            ":expiresAt", AttributeValue.fromN(Long.toString(now.plus(retention).getEpochSecond())))));
  }
}
