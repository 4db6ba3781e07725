package dev.shopstream.pipeline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.pipeline.kcl.EngineSettings;
import dev.shopstream.pipeline.kcl.KclApplication;
import dev.shopstream.pipeline.kcl.TrimmedDataPolicy;
import dev.shopstream.pipeline.kcl.TrimmedDataSettings;
import dev.shopstream.pipeline.kcl.WorkerSettings;
import dev.shopstream.pipeline.ops.OpsSettings;
import dev.shopstream.settings.ConfigException;
import dev.shopstream.settings.Setting;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
  private static final Map<String, String> DLQ = Map.of(
      "SHOP_DLQ_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dlq");

  private static WorkerConfig load(Map<String, String> env) {
    return WorkerConfig.load(env, HandlerCatalogue.standard(), "host-1");
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
    assertThat(config.application().initialPosition()).isEqualTo(KclApplication.StartPosition.LATEST);
    assertThat(config.stream().pollIdle()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.aws().dynamoDb()).isEmpty();
    assertThat(config.aws().dummyCredentials()).as("real credentials unless asked").isFalse();
    assertThat(config.ops().httpHost()).as("loopback unless the task definition opens it").isEqualTo("127.0.0.1");
    assertThat(config.application().workerId()).isEqualTo("host-1");
    assertThat(config.handlers()).containsExactly("email", "waitlist", "analytics");
    assertThat(config.engine().shutdownTimeout()).isLessThan(Duration.ofSeconds(30));
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
    assertThat(config.aws().dynamoDb()).contains(URI.create("http://127.0.0.1:8000"));
    assertThat(config.application().initialPosition()).isEqualTo(KclApplication.StartPosition.TRIM_HORIZON);
    assertThat(config.stream().pollIdle()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.handlers()).containsExactly("email", "logging");
    assertThat(config.application().workerId()).isEqualTo("w-7");
    assertThat(config.kcl().workerMetrics()).isFalse();
    assertThat(config.aws().dummyCredentials()).isTrue();
    assertThat(config.aws().ses()).contains(URI.create("http://127.0.0.1:8005"));
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
    assertThat(load(Map.of("SHOP_DLQ_URL", "http://127.0.0.1:4566/000000000000/dlq")).deadLetters().queueUrl())
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
  void aReplayRunsAsItsOwnApplicationWithTheLiveSlicesUnchanged() {
    WorkerConfig live = load(with(DLQ, "SHOP_MAX_IN_FLIGHT", "16", "SHOP_TRIMMED_DATA_POLICY", "HOLD"));
    KclApplication replay = new KclApplication("shop-replay-1", "replay-1", KclApplication.StartPosition.TRIM_HORIZON);
    WorkerSettings worker = live.worker(replay, List.of("analytics"));
    assertThat(worker.application()).isEqualTo(replay);
    assertThat(worker.handlers()).containsExactly("analytics");
    assertThat(worker.engine()).isEqualTo(live.engine());
    assertThat(worker.engine().maxInFlight()).isEqualTo(16);
    assertThat(worker.trimmedData()).isEqualTo(TrimmedDataPolicy.HOLD);
    assertThat(live.application().name()).as("the live configuration is not changed").isEqualTo("shop-stream-worker");
  }

  @Test
  void everyKeyIsDeclaredOnceInTheSliceThatReadsItAndIsKnown() {
    List<Setting<?>> all = Stream.concat(WorkerConfig.KEYS.values().stream().flatMap(List::stream),
        HandlerCatalogue.standard().settings().stream()).toList();
    assertThat(all).extracting(Setting::envName).doesNotHaveDuplicates().hasSizeGreaterThan(50);
    assertThat(WorkerConfig.KEYS.get("Record engine")).contains(EngineSettings.MAX_IN_FLIGHT);
    assertThat(WorkerConfig.KEYS.get("Operations")).contains(OpsSettings.HTTP_PORT, OpsSettings.LOG_FORMAT);
    Map<String, String> everyKeyAtItsDefault = new HashMap<>(DLQ);
    all.stream().filter(key -> !key.defaultValue().isEmpty())
        .forEach(key -> everyKeyAtItsDefault.put(key.envName(), key.defaultValue()));
    assertThat(load(everyKeyAtItsDefault)).as("no declared key is refused as unknown").usingRecursiveComparison()
        .ignoringFields("handlerSettings").isEqualTo(load(DLQ));
  }

  @Test
  void rangesAreWrittenOnceAndAppearInTheDescription() {
    assertThat(EngineSettings.MAX_IN_FLIGHT.description()).endsWith("Range 1..1024.");
    assertThat(OpsSettings.HTTP_PORT.description()).contains("Range 0..65535");
  }
}
