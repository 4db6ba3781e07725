package dev.shopstream.pipeline.config;

import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;

/**
 * Every configuration key of the worker itself, each declared once with its default, what it accepts
 * and its meaning. Handler keys are declared by the handler modules. docs/configuration.md is
 * generated from both (ConfigurationDocTest keeps it in step; bin/docs rewrites it).
 */
public enum ConfigKey {
  TABLE("SHOP_TABLE", "shop", Rule.pattern("[A-Za-z0-9_.-]{3,255}",
      "3-255 characters of letters, digits, '_', '-', '.' (a DynamoDB table name)"),
      "Name of the single table whose stream is consumed."),
  APPLICATION_NAME("SHOP_APPLICATION_NAME", "shop-stream-worker", Rule.pattern("[A-Za-z0-9_.-]{3,200}",
      "3-200 characters of letters, digits, '_', '-', '.' (it names DynamoDB tables)"),
      "KCL application name: names the lease table and its two companion tables. Workers sharing it share the shards."),
  REGION("AWS_REGION", "us-east-1", Rule.pattern("[a-z]{2}(-[a-z]+)+-\\d", "an AWS region such as eu-west-1"),
      "AWS region of the table and the lease tables."),
  AWS_DUMMY_CREDENTIALS("SHOP_AWS_DUMMY_CREDENTIALS", "false", Rule.flag(),
      "true: sign every AWS call with fixed dummy credentials, for local stand-ins (moto, the emulators) only. "
          + "false: the default AWS credentials chain (task role, environment, profile), also with endpoint "
          + "overrides such as VPC or FIPS endpoints."),
  DYNAMODB_ENDPOINT("SHOP_DYNAMODB_ENDPOINT", "", Rule.optionalUrl(),
      "Endpoint override for DynamoDB and DynamoDB Streams, e.g. the moto endpoint bin/local-aws prints. Empty: real "
          + "AWS."),
  INITIAL_POSITION("SHOP_INITIAL_POSITION", "LATEST", Rule.oneOf(WorkerConfig.StartPosition.class),
      "Where a shard without a checkpoint starts: LATEST (new writes only) or TRIM_HORIZON (oldest record kept, up "
          + "to 24 h back). Checkpointed shards always resume after their checkpoint."),
  POLL_IDLE_MILLIS("SHOP_POLL_IDLE_MILLIS", "250", Rule.range(10, 60_000),
      "Pause between GetRecords calls per shard. Bounds latency (about this much plus processing) and API calls."),
  MAX_RECORDS_PER_POLL("SHOP_MAX_RECORDS_PER_POLL", "1000", Rule.range(1, 1000),
      "Records per GetRecords call."),
  HANDLERS("SHOP_HANDLERS", "email,waitlist,analytics", Rule.nonBlank(),
      "Comma-separated handlers to run (see Handlers for each one's settings)."),
  SES_ENDPOINT("SHOP_SES_ENDPOINT", "", Rule.optionalUrl(),
      "Endpoint override for SES (v2 API), e.g. a local emulator. Empty: AWS."),
  SNS_ENDPOINT("SHOP_SNS_ENDPOINT", "", Rule.optionalUrl(),
      "Endpoint override for SNS, e.g. a local emulator. Empty: AWS."),
  MAX_IN_FLIGHT("SHOP_MAX_IN_FLIGHT", "128", Rule.range(1, WorkerConfig.MAX_IN_FLIGHT_LIMIT),
      "Records of one shard handled at once: records of one partition key always one at a time in stream order, "
          + "different keys concurrently. Also how far a shard runs ahead of a held record. 1: strictly one record "
          + "after another. The worker runs records on one pool of 4 x this many threads."),
  MAX_IN_FLIGHT_BYTES("SHOP_MAX_IN_FLIGHT_BYTES", "8388608", Rule.range(65_536, 1_073_741_824L),
      "Bytes of stream records (DynamoDB's SizeBytes: keys and images) one shard holds at once, besides "
          + "SHOP_MAX_IN_FLIGHT: a catch-up through large items waits for room instead of filling the heap (the "
          + "records take a few times this much heap). A record larger than this alone is still taken, alone. The "
          + "default fits the template's 2 GiB task with 8 shards per task."),
  RETRY_ATTEMPTS("SHOP_RETRY_ATTEMPTS", "3", Rule.range(1, 20),
      "Attempts of a handler call failing retryably (throttling, 5xx, timeouts, connection refused) before its "
          + "record is reported as holding its key (WARN); retries go on until SHOP_RETRY_HOLD_SECONDS."),
  RETRY_INITIAL_MILLIS("SHOP_RETRY_INITIAL_MILLIS", "200", Rule.range(1, 60_000),
      "First pause before a failed handler call is tried again; doubles per attempt, with jitter."),
  RETRY_MAX_MILLIS("SHOP_RETRY_MAX_MILLIS", "10000", Rule.range(1, 600_000),
      "Longest pause between attempts."),
  RETRY_HOLD_SECONDS("SHOP_RETRY_HOLD_SECONDS", "3600", Rule.range(0, 86_400),
      "How long a record whose handler keeps failing retryably holds its shard before that event is dead-lettered "
          + "(an outage shorter than this loses nothing and needs no redrive)."),
  ERROR_STARTS_BEFORE_PARKING("SHOP_ERROR_STARTS_BEFORE_PARKING", "3", Rule.range(1, 100),
      "A JVM Error while handling a record halts the worker (exit 70) and ECS restarts it from its checkpoint; a "
          + "record that does so on this many starts in a row is parked whole in the dead-letter queue "
          + "(WORKER_ERROR) instead, so the shard moves on. Counted per record in the idempotency table."),
  DLQ_URL("SHOP_DLQ_URL", "", Rule.optionalQueueUrl(),
      "SQS queue URL of the dead-letter queue (rejected records, permanent handler failures, exhausted retries). "
          + "Required."),
  SQS_ENDPOINT("SHOP_SQS_ENDPOINT", "", Rule.optionalUrl(),
      "Endpoint override for SQS, e.g. a local emulator. Empty: AWS."),
  DLQ_OVERFLOW_BUCKET("SHOP_DLQ_OVERFLOW_BUCKET", "", Rule.pattern("|[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
      "an S3 bucket name: 3-63 lower-case letters, digits, '.', '-'"),
      "S3 bucket for dead letters larger than the queue's MaximumMessageSize (a MODIFY of big items): the whole "
          + "letter is stored under dead-letters/ and the message carries its key (claim check). Empty: such a "
          + "letter is parked without its images (logged at ERROR, counted in shop.dlq.oversized{stored=stream}) and "
          + "redrive re-reads them from the stream, which keeps them 24 h; set it in production."),
  S3_ENDPOINT("SHOP_S3_ENDPOINT", "", Rule.optionalUrl(),
      "Endpoint override for S3 (the dead-letter overflow bucket), e.g. the local moto endpoint. Empty: AWS."),
  IDEMPOTENCY_TABLE("SHOP_IDEMPOTENCY_TABLE", "shop-stream-idempotency", Rule.pattern("[A-Za-z0-9_.-]{3,255}",
      "a DynamoDB table name"),
      "DynamoDB table of effect claims (string key 'id', TTL on 'expiresAt')."),
  IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS("SHOP_IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS", "120", Rule.range(1, 3600),
      "After this long an in-progress claim is stale (its worker presumed dead) and its effect is tried again. At "
          + "least the effect window (SHOP_EFFECT_START_GRACE_MILLIS plus SHOP_EFFECT_CALL_TIMEOUT_MILLIS)."),
  EFFECT_CALL_TIMEOUT_MILLIS("SHOP_EFFECT_CALL_TIMEOUT_MILLIS", "30000", Rule.range(1000, 300_000),
      "API call timeout of every effect call (SES send, SNS publish), which the SDK never retries. With the start "
          + "grace it makes the effect window: a newer holder of a shard lease takes an older holder's in-progress "
          + "claim over only once this window has passed since the claim, so an effect still on the wire is never "
          + "repeated."),
  EFFECT_START_GRACE_MILLIS("SHOP_EFFECT_START_GRACE_MILLIS", "10000", Rule.range(200, 60_000),
      "How long after its claim an effect call may still start (the lease is checked again right before it); a batch "
          + "of claims goes out in one call once half of this has passed since its first claim. Also absorbs small "
          + "clock differences between workers. Part of the effect window."),
  IDEMPOTENCY_RETENTION_HOURS("SHOP_IDEMPOTENCY_RETENTION_HOURS", "168", Rule.range(25, 8760),
      "How long completed claims are kept (longer than the stream's 24 h so replays stay deduplicated)."),
  TRIMMED_DATA_POLICY("SHOP_TRIMMED_DATA_POLICY", "SKIP_TO_TRIM_HORIZON", Rule.oneOf(TrimmedDataPolicy.class),
      "When a checkpoint is older than the stream's 24 h retention: SKIP_TO_TRIM_HORIZON (log the loss, count it, go "
          + "on from the oldest record kept), HOLD (stop the shard until an operator acts) or REPAIR (as "
          + "SKIP_TO_TRIM_HORIZON, and the analytics sink is repaired in the background: the items changed since the "
          + "shard was last handled are published as state events from incremental exports into "
          + "SHOP_GAP_REPAIR_BUCKET; needs the analytics handler, point-in-time recovery on the table and that "
          + "bucket; docs/operations.md, Gap repair). Emails and notices of the lost changes are not sent under any "
          + "policy."),
  GAP_REPAIR_BUCKET("SHOP_GAP_REPAIR_BUCKET", "", Rule.pattern("|[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
      "an S3 bucket name: 3-63 lower-case letters, digits, '.', '-'"),
      "S3 bucket of the REPAIR policy: its incremental exports, and the repairs still to do (a worker that stops "
          + "mid-repair leaves them for the next). Required with SHOP_TRIMMED_DATA_POLICY=REPAIR, unused otherwise."),
  GAP_REPAIR_PREFIX("SHOP_GAP_REPAIR_PREFIX", "shop-stream-repairs", Rule.pattern("[A-Za-z0-9_.-]{1,100}",
      "1-100 letters, digits, '_', '-', '.'"),
      "Key prefix in SHOP_GAP_REPAIR_BUCKET under which the REPAIR policy keeps its exports and pending repairs (per "
          + "application: <prefix>/<application>/)."),
  CHECKPOINT_INTERVAL_MILLIS("SHOP_CHECKPOINT_INTERVAL_MILLIS", "1000", Rule.range(100, 60_000),
      "Inside a long batch, checkpoint the handled records at most this often (each batch's end is always "
          + "checkpointed). Bounds what a crash redelivers."),
  READY_MAX_HOLD_SECONDS("SHOP_READY_MAX_HOLD_SECONDS", "300", Rule.range(1, 86_400),
      "/health/ready fails while a shard's oldest unhandled record has been held (retrying, or its dead-letter write "
          + "refused) this long; /health/live is not affected."),
  SHUTDOWN_TIMEOUT_SECONDS("SHOP_SHUTDOWN_TIMEOUT_SECONDS", "20", Rule.range(1, 120),
      "On SIGTERM: how long to finish in-flight records, checkpoint and release leases (keep it below ECS's stop "
          + "timeout)."),
  HTTP_HOST("SHOP_HTTP_HOST", "127.0.0.1", Rule.nonBlank(),
      "Interface of the health and metrics endpoints. Loopback by default (the task's health check and metrics "
          + "sidecar share its network); 0.0.0.0 only for a scraper outside the task."),
  HTTP_PORT("SHOP_HTTP_PORT", "8080", Rule.range(0, 65_535),
      "Port of /health/live, /health/ready and /metrics (Prometheus); 0 picks a free port."),
  LOG_FORMAT("SHOP_LOG_FORMAT", "json", Rule.oneOf("json", "text"),
      "Log lines on stdout: json (one JSON object per line, for CloudWatch) or text."),
  WORKER_ID("SHOP_WORKER_ID", "", Rule.pattern("|[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}",
      "empty, or 1-128 letters, digits, '_', '.', ':', '@', '-' starting with a letter or digit"),
      "Identity of this worker in the lease table; it must be unique per running process (two tasks with one id "
          + "would both hold its leases): run refuses to start under an id whose leases another running worker "
          + "renews. Empty (recommended): host name plus a random suffix."),
  KCL_FAILOVER_MILLIS("SHOP_KCL_FAILOVER_MILLIS", "5000", Rule.range(1000, 600_000),
      "Lease duration: a worker that has not renewed its lease for this long loses it to others. Each lease is "
          + "renewed every third of it (one conditional write); with WORKERS assignment a killed worker's shards "
          + "move after 1.7-4 x this (8-20 s at 5000)."),
  KCL_LEASE_ASSIGNMENT_MILLIS("SHOP_KCL_LEASE_ASSIGNMENT_MILLIS", "20000", Rule.range(1000, 600_000),
      "How often the KCL leader assigns leases to workers. Lower: faster start and failover."),
  KCL_WORKER_METRICS("SHOP_KCL_WORKER_METRICS", "true", Rule.flag(),
      "true: KCL 3 balances leases by worker CPU (reads ECS/EC2 metadata). false: by throughput only (use off AWS)."),
  KCL_ASSIGNMENT("SHOP_KCL_ASSIGNMENT", "WORKERS", Rule.oneOf(LeaseAssignment.class),
      "Who hands out shard leases: WORKERS (each worker takes unowned and expired leases itself, KCL 2.x style: a "
          + "SIGKILLed worker's shards move after 1.7-4 x SHOP_KCL_FAILOVER_MILLIS) or LEADER (KCL 3's elected "
          + "leader assigns them by load; if the leader dies, nothing moves until its 2-minute lock expires). Switch "
          + "with all workers stopped."),
  KCL_EAGER_LEASE_SYNC("SHOP_KCL_EAGER_LEASE_SYNC", "true", Rule.flag(),
      "On an empty lease table (a new application, a replay), the starting worker lists the stream's shards and "
          + "creates their leases at once. false: KCL's own start, a random 1-30 s wait for another worker to do it "
          + "(spreads the shard listing of many workers starting together)."),
  KCL_DISPATCH_MILLIS("SHOP_KCL_DISPATCH_MILLIS", "200", Rule.range(50, 10_000),
      "Pause of KCL's scheduler loop, which starts, advances and stops shard consumers: a newly taken shard needs "
          + "three turns before its first read. In memory, no AWS calls; KCL's own default is 1000."),
  KCL_METRICS_LEVEL("SHOP_KCL_METRICS_LEVEL", "DETAILED", Rule.oneOf(KclMetricsLevel.class),
      "KCL's own metrics, recorded into the worker's registry (kcl_* on /metrics; nothing goes to CloudWatch): NONE, "
          + "SUMMARY (per operation: successes, times, leases taken, lost and held, workers seen, records processed) "
          + "or DETAILED (also per shard: GetRecords latency, lease calls)."),
  FLEET_VIEW_MILLIS("SHOP_FLEET_VIEW_MILLIS", "15000", Rule.range(1000, 600_000),
      "How often the worker reads the lease table for the fleet view (every shard's owner, checkpoint age and lag in "
          + "the shop_fleet_* metrics) and writes its own shards' lag and checkpoint time into their leases: per "
          + "worker one Scan of the lease table and one conditional UpdateItem per lease held; the stream's shards "
          + "are listed at most once a minute; a shard nobody holds costs two stream reads for each new checkpoint. "
          + "Also the refresh of status --watch."),
  TRACING_ENDPOINT("SHOP_TRACING_ENDPOINT", "", Rule.optionalUrl(),
      "OpenTelemetry tracing: the OTLP/HTTP (protobuf) URL spans are sent to, a collector's base URL such as "
          + "http://127.0.0.1:4318 (/v1/traces is added) or its full traces URL. A process span per stream record, "
          + "spans of the claims, SES and SNS calls, the trace context passed on to SNS and the analytics envelope "
          + "(docs/observability.md, Tracing). Empty: tracing off, no span made."),
  TRACING_ATTRIBUTE("SHOP_TRACING_ATTRIBUTE", "traceparent", Rule.pattern("[A-Za-z0-9_.-]{1,255}",
      "1-255 letters, digits, '_', '.', '-' (a DynamoDB attribute name)"),
      "Item attribute (a string) where the writer puts its W3C trace context (a traceparent value such as 00-<trace "
          + "id>-<span id>-01): a record whose new image carries it is processed in the writer's trace. Only with "
          + "SHOP_TRACING_ENDPOINT.");

  private final Setting setting;

  ConfigKey(String envName, String defaultValue, Rule rule, String meaning) {
    this.setting = Setting.of(envName, defaultValue, rule, meaning);
  }

  public Setting setting() {
    return setting;
  }

  public String envName() {
    return setting.envName();
  }

  public String defaultValue() {
    return setting.defaultValue();
  }

  public String description() {
    return setting.description();
  }
}
