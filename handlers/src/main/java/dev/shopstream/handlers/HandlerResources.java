package dev.shopstream.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.handlers.idempotency.IdempotencyStore;
import dev.shopstream.handlers.idempotency.OnceOnly;
import dev.shopstream.handlers.tracing.Tracing;
import java.time.Duration;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** What the worker shares with the handlers it builds; clients are made on first use. */
public interface HandlerResources {
  DynamoDbClient dynamo();

  SesV2Client ses();

  SnsClient sns();

  /** The shop table (the waitlist lives in it). */
  String table();

  /** Claims on once-only effects. */
  IdempotencyStore claims();

  /**
   * The one wrapper every once-only effect goes through: this worker's owner token, the shard leases it
   * holds, over {@link #claims()}.
   */
  OnceOnly onceOnly();

  /** SQS, for a handler that reads a queue (SES send events). */
  SqsClient sqs();

  /** The idempotency table's name and how long its records are kept (records written beside the claims). */
  String claimsTable();

  Duration claimRetention();

  Clock clock();

  ObjectMapper json();

  /**
   * Closes {@code resource} when the worker closes its resources: for what a handler starts beside its
   * clients (a background reader), which nothing else would stop.
   */
  void closeWith(AutoCloseable resource);

  /**
   * How many workers of this application are live now (distinct lease owners), for a handler that shares an
   * account-wide limit among them; 1 where the process holds no leases (a redrive).
   */
  default int liveWorkers() {
    return 1;
  }

  /** Spans of the handlers' own and the trace context to pass on; {@link Tracing#OFF} unless tracing is on. */
  default Tracing tracing() {
    return Tracing.OFF;
  }
}
