package dev.shopstream.pipeline.config;

import dev.shopstream.handlers.idempotency.EffectWindow;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The worker's whole configuration, immutable and validated once at start-up. Keys, defaults and
 * meanings: {@link ConfigKey} for the worker's own, the handler modules for theirs. Handler settings
 * are carried as read ({@link #handlerSettings}) and checked when the handlers are built, so a command
 * that builds none (status, dlq list) never asks for them.
 */
public record WorkerConfig(
    String table,
    String applicationName,
    String region,
    URI dynamoDbEndpoint,
    URI sesEndpoint,
    URI snsEndpoint,
    URI sqsEndpoint,
    boolean dummyCredentials,
    StartPosition initialPosition,
    Duration pollIdle,
    int maxRecordsPerPoll,
    int maxInFlight,
    long maxInFlightBytes,
    List<String> handlers,
    RetrySettings retry,
    Duration checkpointInterval,
    Duration shutdownTimeout,
    Duration readyMaxHold,
    String workerId,
    KclSettings kcl,
    String deadLetterQueueUrl,
    String deadLetterOverflowBucket,
    URI s3Endpoint,
    IdempotencySettings idempotency,
    TrimmedDataSettings trimmedData,
    String httpHost,
    int httpPort,
    ObservabilitySettings observability,
    Map<String, String> handlerSettings) {

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
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
    Objects.requireNonNull(idempotency, "idempotency");
    Objects.requireNonNull(trimmedData, "trimmedData");
    Objects.requireNonNull(kcl, "kcl");
    Objects.requireNonNull(observability, "observability");
    handlerSettings = Map.copyOf(handlerSettings);
  }

  /**
   * @param env environment variables (or any key/value source)
   * @param handlerNames names {@code SHOP_HANDLERS} may use
   * @param handlerKeys every handler module's settings (known keys, checked when the handler is built)
   * @param defaultWorkerId used when {@code SHOP_WORKER_ID} is empty
   * @throws ConfigException listing every invalid or unknown key
   */
  public static WorkerConfig load(Map<String, String> env, Set<String> handlerNames, Collection<Setting> handlerKeys,
      String defaultWorkerId) {
    SettingValues read = new SettingValues(env);
    String table = read.text(ConfigKey.TABLE.setting());
    String applicationName = read.text(ConfigKey.APPLICATION_NAME.setting());
    String region = read.text(ConfigKey.REGION.setting());
    URI endpoint = read.url(ConfigKey.DYNAMODB_ENDPOINT.setting()).orElse(null);
    StartPosition position = read.choice(ConfigKey.INITIAL_POSITION.setting(), StartPosition.class);
    long pollIdle = number(read, ConfigKey.POLL_IDLE_MILLIS);
    long maxRecords = number(read, ConfigKey.MAX_RECORDS_PER_POLL);
    long maxInFlight = number(read, ConfigKey.MAX_IN_FLIGHT);
    List<String> handlers = names(read, handlerNames);
    long retryInitial = number(read, ConfigKey.RETRY_INITIAL_MILLIS);
    long retryMax = number(read, ConfigKey.RETRY_MAX_MILLIS);
    read.check(retryMax >= retryInitial, ConfigKey.RETRY_MAX_MILLIS.envName() + " (" + retryMax + ") must not be below "
        + ConfigKey.RETRY_INITIAL_MILLIS.envName() + " (" + retryInitial + ")");
    RetrySettings retry = new RetrySettings((int) number(read, ConfigKey.RETRY_ATTEMPTS),
        Duration.ofMillis(retryInitial), Duration.ofMillis(retryMax),
        Duration.ofSeconds(number(read, ConfigKey.RETRY_HOLD_SECONDS)),
        (int) number(read, ConfigKey.ERROR_STARTS_BEFORE_PARKING));
    String workerId = Optional.of(read.text(ConfigKey.WORKER_ID.setting())).filter(s -> !s.isEmpty())
        .orElse(defaultWorkerId);
    String dlqUrl = read.required(ConfigKey.DLQ_URL.setting(),
        "to an SQS queue URL: records that cannot be handled are parked there, never dropped");
    EffectWindow effectWindow = new EffectWindow(Duration.ofMillis(number(read, ConfigKey.EFFECT_START_GRACE_MILLIS)),
        Duration.ofMillis(number(read, ConfigKey.EFFECT_CALL_TIMEOUT_MILLIS)));
    Duration claimTimeout = Duration.ofSeconds(number(read, ConfigKey.IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS));
    read.check(claimTimeout.compareTo(effectWindow.length()) >= 0, ConfigKey.IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS.envName()
        + " (" + claimTimeout.toSeconds() + " s) must be at least the effect window ("
        + effectWindow.length().toMillis() + " ms: " + ConfigKey.EFFECT_START_GRACE_MILLIS.envName() + " plus "
        + ConfigKey.EFFECT_CALL_TIMEOUT_MILLIS.envName() + "): a claim must not go stale while its "
        + "effect can still land");
    IdempotencySettings idempotency = new IdempotencySettings(read.text(ConfigKey.IDEMPOTENCY_TABLE.setting()),
        claimTimeout, Duration.ofHours(number(read, ConfigKey.IDEMPOTENCY_RETENTION_HOURS)), effectWindow);
    read.text(ConfigKey.LOG_FORMAT.setting()); // read by logback; checked here
    for (String leaseTable : leaseTables(applicationName)) {
      read.check(!leaseTable.equals(table) && !leaseTable.equals(idempotency.table()),
          ConfigKey.APPLICATION_NAME.envName() + "='" + applicationName + "' would make KCL use the table '"
          + leaseTable + "' (already " + (leaseTable.equals(table) ? ConfigKey.TABLE.envName()
          : ConfigKey.IDEMPOTENCY_TABLE.envName()) + ") as its lease table: choose another name");
    }
    WorkerConfig config = new WorkerConfig(table, applicationName, region, endpoint,
        read.url(ConfigKey.SES_ENDPOINT.setting()).orElse(null),
        read.url(ConfigKey.SNS_ENDPOINT.setting()).orElse(null),
        read.url(ConfigKey.SQS_ENDPOINT.setting()).orElse(null),
        read.flag(ConfigKey.AWS_DUMMY_CREDENTIALS.setting()), position, Duration.ofMillis(pollIdle), (int) maxRecords,
        (int) maxInFlight, number(read, ConfigKey.MAX_IN_FLIGHT_BYTES), handlers, retry,
        Duration.ofMillis(number(read, ConfigKey.CHECKPOINT_INTERVAL_MILLIS)),
        Duration.ofSeconds(number(read, ConfigKey.SHUTDOWN_TIMEOUT_SECONDS)),
        Duration.ofSeconds(number(read, ConfigKey.READY_MAX_HOLD_SECONDS)), workerId,
        kcl(read), dlqUrl, read.text(ConfigKey.DLQ_OVERFLOW_BUCKET.setting()),
        read.url(ConfigKey.S3_ENDPOINT.setting()).orElse(null), idempotency,
        trimmedData(read, handlers),
        read.text(ConfigKey.HTTP_HOST.setting()), (int) number(read, ConfigKey.HTTP_PORT),
        new ObservabilitySettings(Duration.ofMillis(number(read, ConfigKey.FLEET_VIEW_MILLIS)),
            read.choice(ConfigKey.KCL_METRICS_LEVEL.setting(), KclMetricsLevel.class),
            read.url(ConfigKey.TRACING_ENDPOINT.setting()), read.text(ConfigKey.TRACING_ATTRIBUTE.setting())),
        handlerValues(env, handlerKeys));
    List<String> problems = new ArrayList<>(read.problems());
    problems.addAll(UnknownKeys.problems(env, knownKeys(handlerKeys)));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  private static TrimmedDataSettings trimmedData(SettingValues read, List<String> handlers) {
    TrimmedDataPolicy policy = read.choice(ConfigKey.TRIMMED_DATA_POLICY.setting(), TrimmedDataPolicy.class);
    String bucket = read.text(ConfigKey.GAP_REPAIR_BUCKET.setting());
    String prefix = read.text(ConfigKey.GAP_REPAIR_PREFIX.setting());
    if (policy == TrimmedDataPolicy.REPAIR) {
      read.check(!bucket.isEmpty(), ConfigKey.TRIMMED_DATA_POLICY.envName() + "=REPAIR needs "
          + ConfigKey.GAP_REPAIR_BUCKET.envName() + ": the S3 bucket its incremental exports go to");
      read.check(handlers.contains(TrimmedDataSettings.REPAIRED_HANDLER), ConfigKey.TRIMMED_DATA_POLICY.envName()
          + "=REPAIR repairs the analytics sink: add '" + TrimmedDataSettings.REPAIRED_HANDLER + "' to "
          + ConfigKey.HANDLERS.envName() + " or choose SKIP_TO_TRIM_HORIZON");
    }
    return new TrimmedDataSettings(policy == null ? TrimmedDataPolicy.SKIP_TO_TRIM_HORIZON : policy, bucket, prefix);
  }

  private static KclSettings kcl(SettingValues read) {
    return new KclSettings(Duration.ofMillis(number(read, ConfigKey.KCL_FAILOVER_MILLIS)),
        Duration.ofMillis(number(read, ConfigKey.KCL_LEASE_ASSIGNMENT_MILLIS)),
        read.flag(ConfigKey.KCL_WORKER_METRICS.setting()),
        read.choice(ConfigKey.KCL_ASSIGNMENT.setting(), LeaseAssignment.class),
        read.flag(ConfigKey.KCL_EAGER_LEASE_SYNC.setting()),
        Duration.ofMillis(number(read, ConfigKey.KCL_DISPATCH_MILLIS)));
  }

  private static long number(SettingValues read, ConfigKey key) {
    return read.number(key.setting());
  }

  private static List<String> names(SettingValues read, Set<String> allowed) {
    String text = read.text(ConfigKey.HANDLERS.setting());
    List<String> names = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    Setting key = ConfigKey.HANDLERS.setting();
    for (String name : names) {
      if (!allowed.contains(name)) {
        read.problem(key, text, "names unknown handler '" + name + "'; known: " + allowed.stream().sorted().toList());
      }
    }
    if (names.stream().distinct().count() != names.size()) {
      read.problem(key, text, "names a handler twice");
    }
    return names;
  }

  private static Map<String, String> handlerValues(Map<String, String> env, Collection<Setting> handlerKeys) {
    Map<String, String> values = new HashMap<>();
    handlerKeys.forEach(key -> {
      if (env.containsKey(key.envName())) {
        values.put(key.envName(), env.get(key.envName()));
      }
    });
    return values;
  }

  private static Set<String> knownKeys(Collection<Setting> handlerKeys) {
    Set<String> known = new HashSet<>();
    Arrays.stream(ConfigKey.values()).map(ConfigKey::envName).forEach(known::add);
    handlerKeys.stream().map(Setting::envName).forEach(known::add);
    return known;
  }

  /** The same configuration under another KCL application name (a replay's own lease tables). */
  public WorkerConfig withApplicationName(String name) {
    return new WorkerConfig(table, name, region, dynamoDbEndpoint, sesEndpoint, snsEndpoint, sqsEndpoint,
        dummyCredentials, initialPosition, pollIdle, maxRecordsPerPoll, maxInFlight, maxInFlightBytes, handlers, retry,
        checkpointInterval, shutdownTimeout, readyMaxHold, workerId, kcl, deadLetterQueueUrl, deadLetterOverflowBucket,
        s3Endpoint, idempotency, trimmedData, httpHost, httpPort, observability, handlerSettings);
  }

  public WorkerConfig withInitialPosition(StartPosition position) {
    return new WorkerConfig(table, applicationName, region, dynamoDbEndpoint, sesEndpoint, snsEndpoint, sqsEndpoint,
        dummyCredentials, position, pollIdle, maxRecordsPerPoll, maxInFlight, maxInFlightBytes, handlers, retry,
        checkpointInterval, shutdownTimeout, readyMaxHold, workerId, kcl, deadLetterQueueUrl,
        deadLetterOverflowBucket, s3Endpoint,
        idempotency, trimmedData, httpHost, httpPort, observability, handlerSettings);
  }

  /** The same configuration running {@code names} (known to the catalogue that builds them). */
  public WorkerConfig withHandlers(List<String> names) {
    return new WorkerConfig(table, applicationName, region, dynamoDbEndpoint, sesEndpoint, snsEndpoint, sqsEndpoint,
        dummyCredentials, initialPosition, pollIdle, maxRecordsPerPoll, maxInFlight, maxInFlightBytes, names, retry,
        checkpointInterval, shutdownTimeout, readyMaxHold, workerId, kcl, deadLetterQueueUrl,
        deadLetterOverflowBucket, s3Endpoint,
        idempotency, trimmedData, httpHost, httpPort, observability, handlerSettings);
  }

  public WorkerConfig withWorkerId(String id) {
    return new WorkerConfig(table, applicationName, region, dynamoDbEndpoint, sesEndpoint, snsEndpoint, sqsEndpoint,
        dummyCredentials, initialPosition, pollIdle, maxRecordsPerPoll, maxInFlight, maxInFlightBytes, handlers, retry,
        checkpointInterval, shutdownTimeout, readyMaxHold, id, kcl, deadLetterQueueUrl,
        deadLetterOverflowBucket, s3Endpoint,
        idempotency, trimmedData, httpHost, httpPort, observability, handlerSettings);
  }

  /** The three tables KCL 3 keeps for an application: leases, coordinator state, worker metrics. */
  public static List<String> leaseTables(String applicationName) {
    return List.of(applicationName, applicationName + "-CoordinatorState", applicationName + "-WorkerMetricStats");
  }

  /** Threads of the one record pool: enough for four shards with full windows, at most 1024. */
  public int recordThreads() {
    return (int) Math.min(MAX_IN_FLIGHT_LIMIT, (long) maxInFlight * THREADS_PER_IN_FLIGHT);
  }

  public Optional<URI> endpoint() {
    return Optional.ofNullable(dynamoDbEndpoint);
  }

  public Optional<URI> ses() {
    return Optional.ofNullable(sesEndpoint);
  }

  public Optional<URI> sns() {
    return Optional.ofNullable(snsEndpoint);
  }

  public Optional<URI> sqs() {
    return Optional.ofNullable(sqsEndpoint);
  }

  public Optional<URI> s3() {
    return Optional.ofNullable(s3Endpoint);
  }

  /** The S3 bucket for dead letters too large for the queue, if one is configured. */
  public Optional<String> overflowBucket() {
    return Optional.ofNullable(deadLetterOverflowBucket).filter(bucket -> !bucket.isEmpty());
  }

  @Override
  public String toString() {
    return "WorkerConfig[table=" + table + ", application=" + applicationName + ", region=" + region + ", handlers="
        + handlers + ", workerId=" + workerId + ", handler settings " + handlerSettings.keySet() + "]";
  }
}
