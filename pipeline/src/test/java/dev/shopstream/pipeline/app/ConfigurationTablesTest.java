package dev.shopstream.pipeline.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.handlers.HandlerModule;
import dev.shopstream.handlers.settings.Setting;
import dev.shopstream.pipeline.config.ConfigKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration and handler tables are derived from the declarations (ConfigKey and the
 * handler modules): this test fails with the table the README should contain.
 */
class ConfigurationTablesTest {
  private static String readme() throws IOException {
    return Files.readString(Path.of("..", "README.md"));
  }

  static String configurationTable() {
    List<Setting> all = new ArrayList<>();
    Arrays.stream(ConfigKey.values()).map(ConfigKey::setting).forEach(all::add);
    HandlerCatalogue.MODULES.forEach(module -> all.addAll(module.settings()));
    return "| Variable | Default | Meaning |\n|---|---|---|\n" + all.stream().map(s -> "| `" + s.envName() + "` | "
        + (s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`") + " | " + s.description() + " |")
        .collect(Collectors.joining("\n")) + "\n";
  }

  static String handlerTable() {
    return "| Name | Settings | What it does |\n|---|---|---|\n" + HandlerCatalogue.MODULES.stream()
        .map(module -> "| `" + module.name() + "` | " + settings(module) + " | " + module.purpose() + " |")
        .collect(Collectors.joining("\n")) + "\n";
  }

  private static String settings(HandlerModule module) {
    return module.settings().isEmpty() ? "none"
        : module.settings().stream().map(s -> "`" + s.envName() + "`").collect(Collectors.joining(", "));
  }

  @Test
  void theReadmeConfigurationTableIsTheDeclaredKeys() throws IOException {
    assertThat(readme()).as("README configuration table; expected:\n" + configurationTable())
        .contains(configurationTable());
  }

  @Test
  void theReadmeHandlerTableIsTheModulesDescriptions() throws IOException {
    assertThat(readme()).as("README handler table; expected:\n" + handlerTable()).contains(handlerTable());
  }
}
