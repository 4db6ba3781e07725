package dev.shopstream.pipeline.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import dev.shopstream.pipeline.processing.RetryPolicy;

/**
 * The worker's whole configuration, immutable and validated once at start-up. Keys, defaults and
 * meanings: {@link ConfigKey}.
 */
public record WorkerConfig(
    String table,
    String applicationName,
    String region,
    URI dynamoDbEndpoint,
    StartPosition initialPosition,
    Duration pollIdle,
    int maxRecordsPerPoll,
    int maxInFlight,
    List<String> handlers,
    RetryPolicy retry,
    Duration checkpointInterval,
    Duration shutdownTimeout,
    Duration readyMaxHold,
    String workerId,
    Duration failover,
    Duration leaseAssignmentInterval,
    boolean workerMetrics,
    HandlerSettings handlerSettings,
    String deadLetterQueueUrl,
    URI sqsEndpoint,
    IdempotencySettings idempotency,
    TrimmedDataPolicy trimmedDataPolicy,
    String httpHost,
    int httpPort) {

  static final long MAX_IN_FLIGHT_LIMIT = 1024;
  /** Threads of the record pool per record a shard may hold in flight. */
  static final int THREADS_PER_IN_FLIGHT = 4;

  /** Where a shard without a checkpoint starts. */
  public enum StartPosition { LATEST, TRIM_HORIZON }

  public WorkerConfig {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(applicationName, "applicationName");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(initialPosition, "initialPosition");
    handlers = List.copyOf(handlers);
    if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT_LIMIT) {
      throw new IllegalArgumentException("maxInFlight must be 1.." + MAX_IN_FLIGHT_LIMIT + ", got " + maxInFlight);
    }
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(handlerSettings, "handlerSettings");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
    Objects.requireNonNull(idempotency, "idempotency");
    Objects.requireNonNull(trimmedDataPolicy, "trimmedDataPolicy");
  }

  /**
   * @param env environment variables (or any key/value source)
   * @param knownHandlers handler names the composition root can build
   * @param defaultWorkerId used when {@code SHOP_WORKER_ID} is empty
   * @throws ConfigException listing every invalid key
   */
  public static WorkerConfig load(Map<String, String> env, Set<String> knownHandlers, String defaultWorkerId) {
    ConfigReader read = new ConfigReader(env);
    String table = read.nonBlank(ConfigKey.TABLE);
    String applicationName = read.nonBlank(ConfigKey.APPLICATION_NAME);
    read.check(applicationName.matches("[A-Za-z0-9_.-]{3,200}"), ConfigKey.APPLICATION_NAME.envName() + "='"
        + applicationName + "' must be 3-200 characters of letters, digits, '_', '-', '.' (it names DynamoDB tables)");
    String region = read.nonBlank(ConfigKey.REGION);
    URI endpoint = read.endpoint(ConfigKey.DYNAMODB_ENDPOINT);
    StartPosition position = read.choice(ConfigKey.INITIAL_POSITION, StartPosition.class);
    long pollIdle = read.number(ConfigKey.POLL_IDLE_MILLIS, 10, 60_000);
    long maxRecords = read.number(ConfigKey.MAX_RECORDS_PER_POLL, 1, 1000);
    long maxInFlight = read.number(ConfigKey.MAX_IN_FLIGHT, 1, MAX_IN_FLIGHT_LIMIT);
    List<String> handlers = read.names(ConfigKey.HANDLERS, knownHandlers);
    long retryAttempts = read.number(ConfigKey.RETRY_ATTEMPTS, 1, 20);
    long retryInitial = read.number(ConfigKey.RETRY_INITIAL_MILLIS, 1, 60_000);
    long retryMax = read.number(ConfigKey.RETRY_MAX_MILLIS, 1, 600_000);
    read.check(retryMax >= retryInitial, ConfigKey.RETRY_MAX_MILLIS.envName() + " (" + retryMax + ") must not be below "
        + ConfigKey.RETRY_INITIAL_MILLIS.envName() + " (" + retryInitial + ")");
    long hold = read.number(ConfigKey.RETRY_HOLD_SECONDS, 0, 86_400);
    long checkpointInterval = read.number(ConfigKey.CHECKPOINT_INTERVAL_MILLIS, 100, 60_000);
    long shutdown = read.number(ConfigKey.SHUTDOWN_TIMEOUT_SECONDS, 1, 120);
    long readyMaxHold = read.number(ConfigKey.READY_MAX_HOLD_SECONDS, 1, 86_400);
    String workerId = Optional.of(read.text(ConfigKey.WORKER_ID)).filter(s -> !s.isEmpty()).orElse(defaultWorkerId);
    long failover = read.number(ConfigKey.KCL_FAILOVER_MILLIS, 1000, 600_000);
    long leaseAssignment = read.number(ConfigKey.KCL_LEASE_ASSIGNMENT_MILLIS, 1000, 600_000);
    boolean workerMetrics = read.bool(ConfigKey.KCL_WORKER_METRICS);
    HandlerSettings handlerSettings = HandlerSettings.load(read, handlers);
    String dlqUrl = read.text(ConfigKey.DLQ_URL);
    if (dlqUrl.isEmpty()) {
      read.problemWithoutValue(ConfigKey.DLQ_URL, "must be set: records that cannot be handled are parked there, "
          + "never dropped");
    }
    URI sqsEndpoint = read.endpoint(ConfigKey.SQS_ENDPOINT);
    IdempotencySettings idempotency = new IdempotencySettings(read.nonBlank(ConfigKey.IDEMPOTENCY_TABLE),
        Duration.ofSeconds(read.number(ConfigKey.IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS, 1, 3600)),
        Duration.ofHours(read.number(ConfigKey.IDEMPOTENCY_RETENTION_HOURS, 25, 8760)),
        read.text(ConfigKey.SES_EVENTS_QUEUE_URL).isEmpty() ? null : read.text(ConfigKey.SES_EVENTS_QUEUE_URL),
        Duration.ofSeconds(read.number(ConfigKey.SES_EVENTS_SETTLE_SECONDS, 1, 3600)));
    TrimmedDataPolicy trimmed = read.choice(ConfigKey.TRIMMED_DATA_POLICY, TrimmedDataPolicy.class);
    String httpHost = read.nonBlank(ConfigKey.HTTP_HOST);
    read.check(List.of("json", "text").contains(read.text(ConfigKey.LOG_FORMAT)), ConfigKey.LOG_FORMAT.envName() + "='"
        + read.text(ConfigKey.LOG_FORMAT) + "' must be json or text");
    long httpPort = read.number(ConfigKey.HTTP_PORT, 0, 65_535);
    read.throwIfInvalid();
    RetryPolicy retry = new RetryPolicy((int) retryAttempts, Duration.ofMillis(retryInitial), Duration.ofMillis(retryMax),
        Duration.ofSeconds(hold));
    return new WorkerConfig(table, applicationName, region, endpoint, position, Duration.ofMillis(pollIdle),
        (int) maxRecords, (int) maxInFlight, handlers, retry, Duration.ofMillis(checkpointInterval), Duration.ofSeconds(shutdown), Duration.ofSeconds(readyMaxHold), workerId, Duration.ofMillis(failover),
        Duration.ofMillis(leaseAssignment), workerMetrics, handlerSettings, dlqUrl, sqsEndpoint, idempotency, trimmed,
        httpHost, (int) httpPort);
  }

  /** Threads of the one record pool: enough for four shards with full windows, at most 1024. */
  public int recordThreads() {
    return (int) Math.min(MAX_IN_FLIGHT_LIMIT, (long) maxInFlight * THREADS_PER_IN_FLIGHT);
  }

  public Optional<URI> endpoint() {
    return Optional.ofNullable(dynamoDbEndpoint);
  }

  public Optional<URI> sqs() {
    return Optional.ofNullable(sqsEndpoint);
  }
}
