package dev.shopstream.pipeline.app;

import dev.shopstream.handlers.idempotency.IdempotencySettings;
import dev.shopstream.pipeline.dlq.DeadLetterSettings;
import dev.shopstream.pipeline.fleet.FleetViewSettings;
import dev.shopstream.pipeline.kcl.EngineSettings;
import dev.shopstream.pipeline.kcl.KclApplication;
import dev.shopstream.pipeline.kcl.KclSettings;
import dev.shopstream.pipeline.kcl.StreamSettings;
import dev.shopstream.pipeline.kcl.TrimmedDataSettings;
import dev.shopstream.pipeline.kcl.WorkerSettings;
import dev.shopstream.pipeline.ops.OpsSettings;
import dev.shopstream.pipeline.processing.RetrySettings;
import dev.shopstream.pipeline.tracing.TracingSettings;
import dev.shopstream.settings.ConfigException;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import dev.shopstream.settings.UnknownKeys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The worker's whole configuration, immutable and validated once at start-up: one slice per subsystem,
 * each declaring its own keys (default, range, meaning) beside the code that reads it, and each consumer
 * given only its slice. Handler settings are carried as read ({@link #handlerSettings}) and checked when the
 * handlers are built, so a command that builds none (status, dlq list) never asks for them.
 *
 * @param handlers the handlers {@code SHOP_HANDLERS} enables, by name
 */
public record WorkerConfig(KclApplication application, StreamSettings stream, AwsSettings aws, EngineSettings engine,
    RetrySettings retry, DeadLetterSettings deadLetters, IdempotencySettings idempotency, KclSettings kcl,
    TrimmedDataSettings trimmedData, OpsSettings ops, FleetViewSettings fleetView, TracingSettings tracing,
    List<String> handlers, Map<String, String> handlerSettings) {

  /** The worker's own keys by the subsystem that declares them, in the order docs/configuration.md lists them. */
  public static final Map<String, List<Setting<?>>> KEYS = keys(Map.entry("KCL application", KclApplication.class),
      Map.entry("Stream", StreamSettings.class), Map.entry("Handler choice", HandlerCatalogue.class),
      Map.entry("AWS", AwsSettings.class), Map.entry("Record engine", EngineSettings.class),
      Map.entry("Retries", RetrySettings.class), Map.entry("Dead letters", DeadLetterSettings.class),
      Map.entry("Idempotency", IdempotencySettings.class), Map.entry("Trimmed data", TrimmedDataSettings.class),
      Map.entry("KCL", KclSettings.class), Map.entry("Operations", OpsSettings.class),
      Map.entry("Fleet view", FleetViewSettings.class), Map.entry("Tracing", TracingSettings.class));

  public WorkerConfig {
    handlers = List.copyOf(handlers);
    handlerSettings = Map.copyOf(handlerSettings);
  }

  /**
   * @param env environment variables (or any key/value source)
   * @param catalogue the handlers {@code SHOP_HANDLERS} may name, and their settings (checked when built)
   * @param defaultWorkerId used when {@code SHOP_WORKER_ID} is empty
   * @throws ConfigException listing every invalid or unknown key
   */
  public static WorkerConfig load(Map<String, String> env, HandlerCatalogue catalogue, String defaultWorkerId) {
    SettingValues values = new SettingValues(env);
    KclApplication application = KclApplication.read(values, defaultWorkerId);
    StreamSettings stream = StreamSettings.read(values);
    IdempotencySettings idempotency = IdempotencySettings.read(values);
    TrimmedDataSettings trimmedData = TrimmedDataSettings.read(values);
    List<String> handlers = catalogue.enabled(values);
    WorkerConfig config = new WorkerConfig(application, stream, AwsSettings.read(values), EngineSettings.read(values),
        RetrySettings.read(values), DeadLetterSettings.read(values), idempotency, KclSettings.read(values),
        trimmedData, OpsSettings.read(values), FleetViewSettings.read(values), TracingSettings.read(values),
        handlers, handlerValues(env, catalogue.settings()));
    config.crossChecks(values);
    List<String> problems = new ArrayList<>(values.problems());
    problems.addAll(UnknownKeys.problems(env, knownKeys(catalogue.settings())));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /** What no one slice can check: the lease tables against the other tables, REPAIR against the handlers. */
  private void crossChecks(SettingValues values) {
    for (String leaseTable : application.leaseTables()) {
      values.check(!leaseTable.equals(stream.table()) && !leaseTable.equals(idempotency.table()),
          KclApplication.NAME.envName() + "='" + application.name() + "' would make KCL use the table '" + leaseTable
          + "' (already " + (leaseTable.equals(stream.table()) ? StreamSettings.TABLE.envName()
          : IdempotencySettings.TABLE.envName()) + ") as its lease table: choose another name");
    }
    values.check(!trimmedData.repairs() || handlers.contains(TrimmedDataSettings.REPAIRED_HANDLER),
        TrimmedDataSettings.POLICY.envName() + "=REPAIR repairs the analytics sink: add '"
            + TrimmedDataSettings.REPAIRED_HANDLER + "' to " + HandlerCatalogue.HANDLERS.envName()
            + " or choose SKIP_TO_TRIM_HORIZON");
  }

  /** What the running worker reads, as {@code application} running {@code handlers}. */
  public WorkerSettings worker(KclApplication application, List<String> handlers) {
    return new WorkerSettings(application, stream, engine, kcl, trimmedData.policy(), handlers);
  }

  /** The table whose stream is read. */
  public String table() {
    return stream.table();
  }

  @SafeVarargs
  private static Map<String, List<Setting<?>>> keys(Map.Entry<String, Class<?>>... owners) {
    Map<String, List<Setting<?>>> keys = new LinkedHashMap<>();
    for (Map.Entry<String, Class<?>> owner : owners) {
      keys.put(owner.getKey(), Setting.declaredIn(owner.getValue()));
    }
    return Collections.unmodifiableMap(keys);
  }

  private static Map<String, String> handlerValues(Map<String, String> env, List<Setting<?>> handlerKeys) {
    Map<String, String> values = new HashMap<>();
    handlerKeys.forEach(key -> {
      if (env.containsKey(key.envName())) {
        values.put(key.envName(), env.get(key.envName()));
      }
    });
    return values;
  }

  private static Set<String> knownKeys(List<Setting<?>> handlerKeys) {
    return Stream.concat(KEYS.values().stream().flatMap(List::stream), handlerKeys.stream())
        .map(Setting::envName).collect(Collectors.toSet());
  }

  @Override
  public String toString() {
    return "WorkerConfig[table=" + stream.table() + ", application=" + application.name() + ", region="
        + aws.region() + ", handlers=" + handlers + ", workerId=" + application.workerId() + ", handler settings "
        + handlerSettings.keySet() + "]";
  }
}
