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
  private static final Set<String> HANDLERS = Set.of("logging", "email");

  @Test
  void defaultsAreSensibleForTheLiveService() {
    WorkerConfig config = WorkerConfig.load(Map.of(), HANDLERS, "host-1");
    assertThat(config.table()).isEqualTo("shop");
    assertThat(config.initialPosition()).isEqualTo(WorkerConfig.StartPosition.LATEST);
    assertThat(config.pollIdle()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.endpoint()).isEmpty();
    assertThat(config.workerId()).isEqualTo("host-1");
    assertThat(config.handlers()).containsExactly("logging");
    assertThat(config.shutdownTimeout()).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void readsEveryKeyFromTheEnvironment() {
    WorkerConfig config = WorkerConfig.load(Map.of(
        "SHOP_TABLE", "orders-eu", "SHOP_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000",
        "SHOP_INITIAL_POSITION", "trim_horizon", "SHOP_POLL_IDLE_MILLIS", "50", "SHOP_HANDLERS", "email, logging",
        "SHOP_WORKER_ID", "w-7", "SHOP_KCL_WORKER_METRICS", "false"), HANDLERS, "host-1");
    assertThat(config.table()).isEqualTo("orders-eu");
    assertThat(config.endpoint()).contains(URI.create("http://127.0.0.1:8000"));
    assertThat(config.initialPosition()).isEqualTo(WorkerConfig.StartPosition.TRIM_HORIZON);
    assertThat(config.pollIdle()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.handlers()).containsExactly("email", "logging");
    assertThat(config.workerId()).isEqualTo("w-7");
    assertThat(config.workerMetrics()).isFalse();
  }

  @Test
  void reportsEveryBadValueAtOnceWithWhatIsAccepted() {
    assertThatThrownBy(() -> WorkerConfig.load(Map.of(
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
  void retryBoundsMustBeOrdered() {
    assertThatThrownBy(() -> WorkerConfig.load(Map.of("SHOP_RETRY_INITIAL_MILLIS", "5000", "SHOP_RETRY_MAX_MILLIS", "100"),
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
