package dev.shopstream.pipeline.app;

import dev.shopstream.handlers.HandlerModule;
import dev.shopstream.settings.Setting;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders docs/configuration.md, the whole file, from the declared settings: {@link WorkerConfig#KEYS} for the
 * worker's own keys (each subsystem's settings class) and each of {@link HandlerCatalogue#MODULES} for its
 * handler's. The prose around the
 * tables is written here; {@link ConfigurationDocTest} fails while the file differs, and {@code bin/docs}
 * rewrites it.
 */
final class ConfigurationDoc {
  /** Relative to a module's directory, where the tests run. */
  static final Path FILE = Path.of("..", "docs", "configuration.md");
  static final String REGENERATE = "bin/docs";

  private ConfigurationDoc() {}

  static String render() {
    return """
        # Configuration

        <!-- Generated from the declared settings (the settings classes, the handler modules) by ConfigurationDoc in
             pipeline's tests: do not edit by hand; change the declarations or ConfigurationDoc, then run %s. -->

        Environment variables, read once at start-up into the immutable `WorkerConfig`; every bad value is
        reported at once, each with what is accepted, and the worker exits with status 2. This file is
        generated from the declarations: each subsystem's settings class (`KclApplication`, `StreamSettings`,
        `EngineSettings`, `RetrySettings`, ...) for the worker's own keys, each handler module
        (`EmailModule`, `WaitlistModule`, `AnalyticsModule`) for its own; a key's range is written once, in
        its rule, and appears both here and in the error message (`ConfigurationDocTest` fails while this
        file differs from the declarations; `%s` rewrites it).

        - [Handlers](#handlers)
        - [Worker settings](#worker-settings)
        - [Handler settings](#handler-settings)%s
        - [Credentials and unknown keys](#credentials-and-unknown-keys)
        - [Latency](#latency)

        ## Handlers

        `SHOP_HANDLERS` chooses them (default `email,waitlist,analytics`); each needs only its own settings,
        and a missing one is named at start-up. What each handler does, in detail:
        [architecture.md, Handlers](architecture.md#handlers).

        %s
        ## Worker settings

        %s
        ## Handler settings

        Read, and required where they say so, only when their handler is enabled.
        %s
        ## Credentials and unknown keys

        Credentials: the default AWS chain (the ECS task role), also when an endpoint override points at a
        VPC or FIPS endpoint. Dummy credentials only with `SHOP_AWS_DUMMY_CREDENTIALS=true`, which the
        local stack's environment sets (moto and the emulators accept any). An unknown `SHOP_` variable is
        refused with the nearest key (`SHOP_TRIMED_DATA_POLICY is not a setting of shop-stream; did you
        mean SHOP_TRIMMED_DATA_POLICY?`): a typo silently ignored would run with a default nobody chose.
        moto names streams with the real region, so the adapter takes the table's stream ARN as it is.

        ## Latency

        The adapter sleeps the poll pause after each non-empty poll and twice it after an empty one, so a
        write reaches the handlers after roughly one to two pauses plus processing; lower
        `SHOP_POLL_IDLE_MILLIS` for lower latency at the cost of more GetRecords calls. Measured write to
        effect latency and records/s per shard: [benchmarks.md](benchmarks.md).
        """.formatted(REGENERATE, REGENERATE, handlerContents(), handlerTable(),
        workerSettings(), handlerSettings());
  }

  static String handlerTable() {
    return "| Name | Settings | What it does |\n|---|---|---|\n" + HandlerCatalogue.MODULES.stream()
        .map(module -> "| `" + module.name() + "` | " + settingNames(module) + " | " + cell(module.purpose()) + " |")
        .collect(Collectors.joining("\n")) + "\n";
  }

  static String settingsTable(List<Setting<?>> settings) {
    return "| Variable | Default | Meaning |\n|---|---|---|\n" + settings.stream()
        .map(s -> "| `" + s.envName() + "` | " + (s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`")
            + " | " + cell(s.description()) + " |")
        .collect(Collectors.joining("\n")) + "\n";
  }

  /** The worker's own keys, a table per subsystem, as each declares them. */
  private static String workerSettings() {
    return WorkerConfig.KEYS.entrySet().stream()
        .map(slice -> "### " + slice.getKey() + "\n\n" + settingsTable(slice.getValue()))
        .collect(Collectors.joining("\n"));
  }

  private static String handlerContents() {
    return withSettings().stream().map(module -> "\n  - [`" + module.name() + "`](#" + module.name() + ")")
        .collect(Collectors.joining());
  }

  private static String handlerSettings() {
    return withSettings().stream()
        .map(module -> "\n### `" + module.name() + "`\n\n" + settingsTable(module.settings()))
        .collect(Collectors.joining());
  }

  private static List<HandlerModule> withSettings() {
    return HandlerCatalogue.MODULES.stream().filter(module -> !module.settings().isEmpty()).toList();
  }

  private static String settingNames(HandlerModule module) {
    return module.settings().isEmpty() ? "none"
        : module.settings().stream().map(s -> "`" + s.envName() + "`").collect(Collectors.joining(", "));
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
