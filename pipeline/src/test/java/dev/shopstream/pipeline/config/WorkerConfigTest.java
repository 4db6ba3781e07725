package dev.shopstream.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.handlers.analytics.AnalyticsModule;
import dev.shopstream.handlers.email.EmailModule;
import dev.shopstream.settings.Setting;
import dev.shopstream.handlers.waitlist.WaitlistModule;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
  private static final Set<String> HANDLERS = Set.of("logging", "email", "waitlist", "analytics");
  private static final List<Setting> HANDLER_KEYS = List.of(EmailModule.FROM, EmailModule.LOCALE,
      EmailModule.CONFIGURATION_SET, WaitlistModule.TOPIC_ARN, AnalyticsModule.TOPIC_ARN, AnalyticsModule.PII_KEY);
  private static final Map<String, String> DLQ = Map.of(
      "SHOP_DLQ_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dlq");

  private static WorkerConfig load(Map<String, String> env) {
    return WorkerConfig.load(env, HANDLERS, HANDLER_KEYS, "host-1");
  }

  private static Map<String, String> with(Map<String, String> base, String... pairs) {
    Map<String, String> env = new HashMap<>(base);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void defaultsAreSensibleForTheLiveService() {
    WorkerConfig config = load(DLQ);
    assertThat(config.table()).isEqualTo("shop");
    assertThat(config.initialPosition()).isEqualTo(WorkerConfig.StartPosition.LATEST);
    assertThat(config.pollIdle()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.endpoint()).isEmpty();
    assertThat(config.dummyCredentials()).as("real credentials unless asked").isFalse();
    assertThat(config.httpHost()).as("loopback unless the task definition opens it").isEqualTo("127.0.0.1");
    assertThat(config.workerId()).isEqualTo("host-1");
    assertThat(config.handlers()).containsExactly("email", "waitlist", "analytics");
    assertThat(config.shutdownTimeout()).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void handlerSettingsAreCarriedAsReadAndTheirSecretsNeverPrinted() {
    WorkerConfig config = load(with(DLQ, "SHOP_ANALYTICS_PII_KEY", "0123456789abcdef-secret", "SHOP_EMAIL_FROM",
        "a@b.example"));
    assertThat(config.handlerSettings()).containsEntry("SHOP_EMAIL_FROM", "a@b.example")
        .containsEntry("SHOP_ANALYTICS_PII_KEY", "0123456789abcdef-secret");
    assertThat(config.toString()).doesNotContain("0123456789abcdef-secret");
  }

  @Test
  void readsEveryKeyFromTheEnvironment() {
    WorkerConfig config = load(Map.ofEntries(Map.entry("SHOP_DLQ_URL", "http://127.0.0.1:4566/000000000000/dlq"),
        Map.entry("SHOP_TABLE", "orders-eu"), Map.entry("SHOP_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000"),
        Map.entry("SHOP_INITIAL_POSITION", "trim_horizon"), Map.entry("SHOP_POLL_IDLE_MILLIS", "50"),
        Map.entry("SHOP_HANDLERS", "email, logging"), Map.entry("SHOP_SES_ENDPOINT", "http://127.0.0.1:8005"),
        Map.entry("SHOP_WORKER_ID", "w-7"), Map.entry("SHOP_KCL_WORKER_METRICS", "false"),
        Map.entry("SHOP_AWS_DUMMY_CREDENTIALS", "true")));
    assertThat(config.table()).isEqualTo("orders-eu");
    assertThat(config.endpoint()).contains(URI.create("http://127.0.0.1:8000"));
    assertThat(config.initialPosition()).isEqualTo(WorkerConfig.StartPosition.TRIM_HORIZON);
    assertThat(config.pollIdle()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.handlers()).containsExactly("email", "logging");
    assertThat(config.workerId()).isEqualTo("w-7");
    assertThat(config.kcl().workerMetrics()).isFalse();
    assertThat(config.dummyCredentials()).isTrue();
    assertThat(config.ses()).contains(URI.create("http://127.0.0.1:8005"));
  }

  @Test
  void reportsEveryBadValueAtOnceWithWhatIsAccepted() {
    assertThatThrownBy(() -> load(with(DLQ,
        "SHOP_POLL_IDLE_MILLIS", "fast", "SHOP_INITIAL_POSITION", "BEGINNING", "SHOP_DYNAMODB_ENDPOINT",
        "localhost:8000",
        "SHOP_HANDLERS", "logging,sms", "SHOP_SHUTDOWN_TIMEOUT_SECONDS", "0", "SHOP_KCL_WORKER_METRICS", "yes")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(6).anySatisfy(p ->
            assertThat(p).startsWith("SHOP_POLL_IDLE_MILLIS='fast' must be a whole number between 10 and 60000"))
            .anySatisfy(p -> assertThat(p).contains("SHOP_INITIAL_POSITION='BEGINNING' must be LATEST or TRIM_HORIZON"))
            .anySatisfy(p ->
                assertThat(p).contains("SHOP_DYNAMODB_ENDPOINT='localhost:8000' must be an http:// or https:// URL"))
            .anySatisfy(p -> assertThat(p).contains("unknown handler 'sms'"))
            .anySatisfy(p -> assertThat(p).contains("SHOP_SHUTDOWN_TIMEOUT_SECONDS='0' must be between 1 and 120"))
            .anySatisfy(p -> assertThat(p).contains("SHOP_KCL_WORKER_METRICS='yes' must be true or false")));
  }

  @Test
  void anUnknownShopVariableIsRefusedWithTheKeyItProbablyMeant() {
    assertThatThrownBy(() -> load(with(DLQ, "SHOP_TRIMED_DATA_POLICY", "HOLD", "SHOP_EMAIL_FORM", "a@b.example",
        "SHOP_COMPLETELY_DIFFERENT", "x", "HOME", "/root")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "SHOP_COMPLETELY_DIFFERENT is not a setting of shop-stream (see docs/configuration.md)",
            "SHOP_EMAIL_FORM is not a setting of shop-stream; did you mean SHOP_EMAIL_FROM?",
            "SHOP_TRIMED_DATA_POLICY is not a setting of shop-stream; did you mean SHOP_TRIMMED_DATA_POLICY?"));
  }

  @Test
  void queueUrlsAreCheckedForShape() {
    assertThatThrownBy(() -> load(Map.of("SHOP_DLQ_URL", "arn:aws:sqs:eu-west-1:123456789012:shop-dlq")))
        .hasMessageContaining("SHOP_DLQ_URL='arn:aws:sqs:eu-west-1:123456789012:shop-dlq' must be an SQS queue URL");
    assertThat(load(Map.of("SHOP_DLQ_URL", "http://127.0.0.1:4566/000000000000/dlq")).deadLetterQueueUrl())
        .endsWith("/dlq");
  }

  @Test
  void theDeadLetterQueueIsRequiredAndTheTrimPolicyDefaultsToSkippingLoudly() {
    assertThatThrownBy(() -> load(Map.of("SHOP_HANDLERS", "logging"))).hasMessageContaining("SHOP_DLQ_URL must be set");
    WorkerConfig config = load(DLQ);
    assertThat(config.trimmedData().policy()).isEqualTo(TrimmedDataPolicy.SKIP_TO_TRIM_HORIZON);
    assertThat(config.retry().holdBudget()).isEqualTo(Duration.ofHours(1));
    assertThat(config.idempotency().retention()).isGreaterThan(Duration.ofHours(24));
  }

  @Test
  void theRepairPolicyNeedsItsBucketAndTheAnalyticsHandler() {
    Map<String, String> repair = new HashMap<>(DLQ);
    repair.put("SHOP_TRIMMED_DATA_POLICY", "REPAIR");
    repair.put("SHOP_HANDLERS", "logging");
    assertThatThrownBy(() -> load(repair)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
        .containsExactly("SHOP_TRIMMED_DATA_POLICY=REPAIR needs SHOP_GAP_REPAIR_BUCKET: the S3 bucket its incremental "
            + "exports go to", "SHOP_TRIMMED_DATA_POLICY=REPAIR repairs the analytics sink: add 'analytics' to "
            + "SHOP_HANDLERS or choose SKIP_TO_TRIM_HORIZON"));
    repair.put("SHOP_HANDLERS", "analytics");
    repair.put("SHOP_GAP_REPAIR_BUCKET", "shop-exports");
    TrimmedDataSettings trimmed = load(repair).trimmedData();
    assertThat(trimmed.repairs()).isTrue();
    assertThat(trimmed.repairBucket()).isEqualTo("shop-exports");
    assertThat(trimmed.repairPrefix()).isEqualTo("shop-stream-repairs");
  }

  @Test
  void kclsLeaseTablesMayNotBeTheShopOrTheIdempotencyTable() {
    assertThatThrownBy(() -> load(with(DLQ, "SHOP_APPLICATION_NAME", "shop")))
        .hasMessageContaining("SHOP_APPLICATION_NAME='shop' would make KCL use the table 'shop' (already SHOP_TABLE)");
    assertThatThrownBy(() -> load(with(DLQ, "SHOP_APPLICATION_NAME", "claims", "SHOP_IDEMPOTENCY_TABLE",
        "claims-CoordinatorState")))
        .hasMessageContaining("the table 'claims-CoordinatorState' (already SHOP_IDEMPOTENCY_TABLE)");
  }

  @Test
  void retryBoundsMustBeOrdered() {
    assertThatThrownBy(() -> load(with(DLQ, "SHOP_RETRY_INITIAL_MILLIS", "5000", "SHOP_RETRY_MAX_MILLIS", "100")))
        .hasMessageContaining("SHOP_RETRY_MAX_MILLIS (100) must not be below SHOP_RETRY_INITIAL_MILLIS (5000)");
  }

  @Test
  void withersChangeOneThingAndKeepTheRest() {
    WorkerConfig live = load(with(DLQ, "SHOP_EMAIL_FROM", "a@b.example"));
    WorkerConfig replay = live.withApplicationName("shop-replay-1")
        .withInitialPosition(WorkerConfig.StartPosition.TRIM_HORIZON)
        .withHandlers(List.of("analytics")).withWorkerId("replay-1");
    assertThat(replay.applicationName()).isEqualTo("shop-replay-1");
    assertThat(replay.initialPosition()).isEqualTo(WorkerConfig.StartPosition.TRIM_HORIZON);
    assertThat(replay.handlers()).containsExactly("analytics");
    assertThat(replay.workerId()).isEqualTo("replay-1");
    assertThat(replay.withApplicationName(live.applicationName()).withInitialPosition(live.initialPosition())
        .withHandlers(live.handlers()).withWorkerId(live.workerId())).isEqualTo(live);
  }

  @Test
  void rangesAreWrittenOnceAndAppearInTheDescription() {
    assertThat(ConfigKey.MAX_IN_FLIGHT.description()).endsWith("Range 1..1024.");
    assertThat(ConfigKey.HTTP_PORT.description()).contains("Range 0..65535");
  }
}
