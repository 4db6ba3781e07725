package dev.shopstream.pipeline.config;

/**
 * Every configuration key of the worker, with its default and meaning: the one list. The README's
 * configuration table mirrors it (a test keeps the two in step).
 */
public enum ConfigKey {
  TABLE("SHOP_TABLE", "shop", "Name of the single table whose stream is consumed."),
  APPLICATION_NAME("SHOP_APPLICATION_NAME", "shop-stream-worker",
      "KCL application name: names the lease table and its two companion tables. Workers sharing it share the shards."),
  REGION("AWS_REGION", "us-east-1", "AWS region of the table and the lease tables."),
  DYNAMODB_ENDPOINT("SHOP_DYNAMODB_ENDPOINT", "",
      "Endpoint override for DynamoDB and DynamoDB Streams, e.g. the moto endpoint bin/local-aws prints. Empty: real AWS with the default credentials chain."),
  INITIAL_POSITION("SHOP_INITIAL_POSITION", "LATEST",
      "Where a shard without a checkpoint starts: LATEST (new writes only) or TRIM_HORIZON (oldest record kept, up to 24 h back). Checkpointed shards always resume after their checkpoint."),
  POLL_IDLE_MILLIS("SHOP_POLL_IDLE_MILLIS", "250",
      "Pause between GetRecords calls per shard, 10..60000. Bounds latency (about this much plus processing) and API calls."),
  MAX_RECORDS_PER_POLL("SHOP_MAX_RECORDS_PER_POLL", "1000", "Records per GetRecords call, 1..1000."),
  HANDLERS("SHOP_HANDLERS", "email,waitlist,analytics",
      "Comma-separated handlers to run: email, waitlist, analytics, logging (see Handlers)."),
  SES_ENDPOINT("SHOP_SES_ENDPOINT", "", "Endpoint override for SES (v2 API), e.g. a local emulator. Empty: AWS."),
  SNS_ENDPOINT("SHOP_SNS_ENDPOINT", "", "Endpoint override for SNS, e.g. a local emulator. Empty: AWS."),
  EMAIL_FROM("SHOP_EMAIL_FROM", "", "Sender address of confirmation emails (verified in SES). Required with the email handler."),
  EMAIL_CONFIGURATION_SET("SHOP_EMAIL_CONFIGURATION_SET", "", "SES configuration set for confirmation emails. Empty: none."),
  EMAIL_LOCALE("SHOP_EMAIL_LOCALE", "en-US", "Locale (IETF tag) for amounts and text in confirmation emails."),
  WAITLIST_TOPIC_ARN("SHOP_WAITLIST_TOPIC_ARN", "",
      "SNS topic for back-in-stock notifications, one message per waitlisted user. Required with the waitlist handler."),
  ANALYTICS_TOPIC_ARN("SHOP_ANALYTICS_TOPIC_ARN", "",
      "SNS FIFO topic (name ends in .fifo) for the analytics contract. Required with the analytics handler."),
  ANALYTICS_PII_KEY("SHOP_ANALYTICS_PII_KEY", "",
      "Secret (16+ characters) keying the HMAC that pseudonymises emails for analytics. Required with the analytics handler; keep it stable."),
  MAX_IN_FLIGHT("SHOP_MAX_IN_FLIGHT", "128",
      "Records of one shard handled at once, 1..1024: records of one partition key always one at a time in stream order, different keys concurrently. Also how far a shard runs ahead of a held record. 1: strictly one record after another. The worker runs records on one pool of 4 x this many threads."),
  RETRY_ATTEMPTS("SHOP_RETRY_ATTEMPTS", "3",
      "Attempts of a handler call failing retryably (throttling, 5xx, timeouts, connection refused) before its record is reported as holding its key (WARN), 1..20; retries go on until SHOP_RETRY_HOLD_SECONDS."),
  RETRY_INITIAL_MILLIS("SHOP_RETRY_INITIAL_MILLIS", "200",
      "First pause before a failed handler call is tried again, 1..60000; doubles per attempt, with jitter."),
  RETRY_MAX_MILLIS("SHOP_RETRY_MAX_MILLIS", "10000", "Longest pause between attempts, 1..600000."),
  RETRY_HOLD_SECONDS("SHOP_RETRY_HOLD_SECONDS", "3600",
      "How long a record whose handler keeps failing retryably holds its shard before that event is dead-lettered, 0..86400 (an outage shorter than this loses nothing and needs no redrive)."),
  DLQ_URL("SHOP_DLQ_URL", "",
      "SQS queue URL of the dead-letter queue (rejected records, permanent handler failures, exhausted retries). Required."),
  SQS_ENDPOINT("SHOP_SQS_ENDPOINT", "", "Endpoint override for SQS, e.g. a local emulator. Empty: AWS."),
  IDEMPOTENCY_TABLE("SHOP_IDEMPOTENCY_TABLE", "shop-stream-idempotency",
      "DynamoDB table of effect claims (string key 'id', TTL on 'expiresAt')."),
  IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS("SHOP_IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS", "120",
      "After this long an in-progress claim is stale (its worker presumed dead) and its effect is tried again, 1..3600."),
  IDEMPOTENCY_RETENTION_HOURS("SHOP_IDEMPOTENCY_RETENTION_HOURS", "168",
      "How long completed claims are kept, 25..8760 (longer than the stream's 24 h so replays stay deduplicated)."),
  SES_EVENTS_QUEUE_URL("SHOP_SES_EVENTS_QUEUE_URL", "",
      "SQS queue receiving the SES configuration set's send events (via SNS): the email handler's reconciliation source, consulted before a confirmation of unknown outcome is sent again. Empty: none (such a confirmation is sent again once its claim goes stale)."),
  SES_EVENTS_SETTLE_SECONDS("SHOP_SES_EVENTS_SETTLE_SECONDS", "60",
      "How long after a send its SES event is sure to be in that queue, 1..3600: a send of unknown outcome is repeated only after this long without its event (longer than the SES call timeout plus SNS/SQS delivery)."),
  TRIMMED_DATA_POLICY("SHOP_TRIMMED_DATA_POLICY", "SKIP_TO_TRIM_HORIZON",
      "When a checkpoint is older than the stream's 24 h retention: SKIP_TO_TRIM_HORIZON (log the loss, count it, go on from the oldest record kept) or HOLD (stop the shard until an operator acts)."),
  CHECKPOINT_INTERVAL_MILLIS("SHOP_CHECKPOINT_INTERVAL_MILLIS", "1000",
      "Inside a long batch, checkpoint the handled records at most this often, 100..60000 (each batch's end is always checkpointed). Bounds what a crash redelivers."),
  READY_MAX_HOLD_SECONDS("SHOP_READY_MAX_HOLD_SECONDS", "300",
      "/health/ready fails while a shard's oldest unhandled record has been held (retrying, or its dead-letter write refused) this long, 1..86400; /health/live is not affected."),
  SHUTDOWN_TIMEOUT_SECONDS("SHOP_SHUTDOWN_TIMEOUT_SECONDS", "20",
      "On SIGTERM: how long to finish in-flight records, checkpoint and release leases, 1..120 (keep it below ECS's stop timeout)."),
  HTTP_HOST("SHOP_HTTP_HOST", "0.0.0.0", "Interface of the health and metrics endpoints (in a container: all)."),
  HTTP_PORT("SHOP_HTTP_PORT", "8080",
      "Port of /health/live, /health/ready and /metrics (Prometheus), 0..65535; 0 picks a free port."),
  LOG_FORMAT("SHOP_LOG_FORMAT", "json", "Log lines on stdout: json (one JSON object per line, for CloudWatch) or text."),
  WORKER_ID("SHOP_WORKER_ID", "",
      "Identity of this worker in the lease table. Empty: host name plus a random suffix."),
  KCL_FAILOVER_MILLIS("SHOP_KCL_FAILOVER_MILLIS", "10000",
      "Lease duration: a worker that has not renewed its lease for this long loses it to others, 1000..600000."),
  KCL_LEASE_ASSIGNMENT_MILLIS("SHOP_KCL_LEASE_ASSIGNMENT_MILLIS", "20000",
      "How often the KCL leader assigns leases to workers, 1000..600000. Lower: faster start and failover."),
  KCL_WORKER_METRICS("SHOP_KCL_WORKER_METRICS", "true",
      "true: KCL 3 balances leases by worker CPU (reads ECS/EC2 metadata). false: by throughput only (use off AWS).");

  private final String envName;
  private final String defaultValue;
  private final String description;

  ConfigKey(String envName, String defaultValue, String description) {
    this.envName = envName;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String envName() {
    return envName;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }
}
