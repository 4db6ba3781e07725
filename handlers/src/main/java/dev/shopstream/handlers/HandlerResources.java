package dev.shopstream.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.handlers.idempotency.IdempotencyStore;
import dev.shopstream.handlers.idempotency.OnceOnly;
import dev.shopstream.handlers.tracing.Tracing;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.core.SdkClient;

/** What the worker shares with the handlers it builds; clients are made on first use. */
public interface HandlerResources {
  /**
   * The worker's client of an AWS service, by type ({@code resources.client(SnsClient.class)}): the worker's own
   * for DynamoDB, SES v2, SNS, SQS and S3 (with its endpoint overrides), any other synchronous SDK v2 client built
   * on first use with the worker's region and credentials and no SDK retries, since the record loop retries.
   */
  <T extends SdkClient> T client(Class<T> type);

  /** The shop table (the waitlist lives in it). */
  String table();

  /** Claims on once-only effects. */
  IdempotencyStore claims();

  /**
   * The one wrapper every once-only effect goes through: this worker's owner token, the shard leases it
   * holds, over {@link #claims()}.
   */
  OnceOnly onceOnly();

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
