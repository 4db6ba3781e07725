package dev.shopstream.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
  private static final Set<String> HANDLERS = Set.of("logging", "email", "waitlist", "analytics");
  private static final Map<String, String> HANDLER_SETTINGS = Map.of(
      "SHOP_EMAIL_FROM", "orders@shop.example",
      "SHOP_WAITLIST_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:waitlist",
      "SHOP_ANALYTICS_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:analytics.fifo",
      "SHOP_ANALYTICS_PII_KEY", "0123456789abcdef-secret",
      "SHOP_DLQ_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dlq");

  @Test
  void defaultsAreSensibleForTheLiveService() {
    WorkerConfig config = WorkerConfig.load(HANDLER_SETTINGS, HANDLERS, "host-1");
    assertThat(config.table()).isEqualTo("shop");
    assertThat(config.initialPosition()).isEqualTo(WorkerConfig.StartPosition.LATEST);
    assertThat(config.pollIdle()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.endpoint()).isEmpty();
    assertThat(config.workerId()).isEqualTo("host-1");
    assertThat(config.handlers()).containsExactly("email", "waitlist", "analytics");
    assertThat(config.shutdownTimeout()).isLessThan(Duration.ofSeconds(30));
    assertThat(config.handlerSettings().email().locale()).isEqualTo(java.util.Locale.US);
    assertThat(config.handlerSettings().email().configurationSet()).isNull();
    assertThat(config.handlerSettings().toString()).doesNotContain("0123456789abcdef-secret");
  }

  @Test
  void eachEnabledHandlerNeedsItsOwnSettings() {
    assertThatThrownBy(() -> WorkerConfig.load(Map.of("SHOP_DLQ_URL", "https://sqs/dlq",
        "SHOP_ANALYTICS_TOPIC_ARN", "arn:aws:sns:eu-west-1:1:analytics",
        "SHOP_ANALYTICS_PII_KEY", "short-secret"), HANDLERS, "h"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "SHOP_EMAIL_FROM must be set when the email handler is enabled (SHOP_HANDLERS)",
            "SHOP_WAITLIST_TOPIC_ARN must be set when the waitlist handler is enabled (SHOP_HANDLERS)",
            "SHOP_ANALYTICS_TOPIC_ARN='arn:aws:sns:eu-west-1:1:analytics' must be an SNS FIFO topic (its name ends in .fifo) (default: '')",
            "SHOP_ANALYTICS_PII_KEY must have at least 16 characters"))
        .hasMessageNotContaining("short-secret");
  }

  @Test
  void handlersThatAreNotEnabledNeedNothing() {
    WorkerConfig config = WorkerConfig.load(Map.of("SHOP_DLQ_URL", "https://sqs/dlq", "SHOP_HANDLERS", "logging",
        "SHOP_EMAIL_LOCALE", "de-DE"), HANDLERS, "h");
    assertThat(config.handlerSettings().email()).isNull();
    assertThat(config.handlerSettings().analyticsPiiKey()).isNull();
  }

  @Test
  void readsEveryKeyFromTheEnvironment() {
    WorkerConfig config = WorkerConfig.load(Map.ofEntries(Map.entry("SHOP_DLQ_URL", "http://127.0.0.1:4566/000000000000/dlq"),
        Map.entry("SHOP_EMAIL_FROM", "orders@shop.example"), Map.entry("SHOP_EMAIL_LOCALE", "de-DE"),
        Map.entry("SHOP_TABLE", "orders-eu"), Map.entry("SHOP_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000"),
        Map.entry("SHOP_INITIAL_POSITION", "trim_horizon"), Map.entry("SHOP_POLL_IDLE_MILLIS", "50"),
        Map.entry("SHOP_HANDLERS", "email, logging"), Map.entry("SHOP_SES_ENDPOINT", "http://127.0.0.1:8005"),
        Map.entry("SHOP_WORKER_ID", "w-7"), Map.entry("SHOP_KCL_WORKER_METRICS", "false")), HANDLERS, "host-1");
    assertThat(config.table()).isEqualTo("orders-eu");
    assertThat(config.endpoint()).contains(URI.create("http://127.0.0.1:8000"));
    assertThat(config.initialPosition()).isEqualTo(WorkerConfig.StartPosition.TRIM_HORIZON);
    assertThat(config.pollIdle()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.handlers()).containsExactly("email", "logging");
    assertThat(config.workerId()).isEqualTo("w-7");
    assertThat(config.workerMetrics()).isFalse();
    assertThat(config.handlerSettings().ses()).contains(URI.create("http://127.0.0.1:8005"));
    assertThat(config.handlerSettings().email().locale()).isEqualTo(java.util.Locale.GERMANY);
  }

  @Test
  void reportsEveryBadValueAtOnceWithWhatIsAccepted() {
    assertThatThrownBy(() -> WorkerConfig.load(Map.of("SHOP_DLQ_URL", "https://sqs/dlq",
        "SHOP_POLL_IDLE_MILLIS", "fast", "SHOP_INITIAL_POSITION", "BEGINNING", "SHOP_DYNAMODB_ENDPOINT", "localhost:8000",
        "SHOP_HANDLERS", "logging,sms", "SHOP_SHUTDOWN_TIMEOUT_SECONDS", "0", "SHOP_KCL_WORKER_METRICS", "yes"),
        HANDLERS, "h"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(6).anySatisfy(p ->
            assertThat(p).startsWith("SHOP_POLL_IDLE_MILLIS='fast' must be a whole number between 10 and 60000"))
            .anySatisfy(p -> assertThat(p).contains("SHOP_INITIAL_POSITION='BEGINNING' must be one of [LATEST, TRIM_HORIZON]"))
            .anySatisfy(p -> assertThat(p).contains("SHOP_DYNAMODB_ENDPOINT='localhost:8000' must be an http:// or https:// URL"))
            .anySatisfy(p -> assertThat(p).contains("unknown handler 'sms'"))
            .anySatisfy(p -> assertThat(p).contains("SHOP_SHUTDOWN_TIMEOUT_SECONDS='0' must be between 1 and 120"))
            .anySatisfy(p -> assertThat(p).contains("SHOP_KCL_WORKER_METRICS='yes' must be true or false")));
  }

  @Test
  void theDeadLetterQueueIsRequiredAndTheTrimPolicyDefaultsToSkippingLoudly() {
    assertThatThrownBy(() -> WorkerConfig.load(Map.of("SHOP_HANDLERS", "logging"), HANDLERS, "h"))
        .hasMessageContaining("SHOP_DLQ_URL must be set");
    WorkerConfig config = WorkerConfig.load(HANDLER_SETTINGS, HANDLERS, "h");
    assertThat(config.trimmedDataPolicy()).isEqualTo(TrimmedDataPolicy.SKIP_TO_TRIM_HORIZON);
    assertThat(config.retry().holdBudget()).isEqualTo(Duration.ofHours(1));
    assertThat(config.idempotency().retention()).isGreaterThan(Duration.ofHours(24));
  }

  @Test
  void retryBoundsMustBeOrdered() {
    assertThatThrownBy(() -> WorkerConfig.load(Map.of("SHOP_RETRY_INITIAL_MILLIS", "5000", "SHOP_RETRY_MAX_MILLIS", "100",
        "SHOP_HANDLERS", "logging", "SHOP_DLQ_URL", "https://sqs/dlq"),
        HANDLERS, "h")).hasMessageContaining("SHOP_RETRY_MAX_MILLIS (100) must not be below SHOP_RETRY_INITIAL_MILLIS (5000)");
  }

  @Test
  void theReadmeDocumentsEveryKeyWithItsDefault() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    List<String> undocumented = java.util.Arrays.stream(ConfigKey.values())
        .filter(key -> !readme.contains("| `" + key.envName() + "` | "
            + (key.defaultValue().isEmpty() ? "(empty)" : "`" + key.defaultValue() + "`") + " |"))
        .map(ConfigKey::envName).toList();
    assertThat(undocumented).as("keys missing from the README's configuration table").isEmpty();
  }
}
