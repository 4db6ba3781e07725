package dev.shopstream.pipeline.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the declarations (the settings classes and the handler modules): this test
 * fails while the file differs and names the command that rewrites it. With {@code -Dshop.docs.write=true}
 * (what {@code bin/docs} passes) it writes the file instead.
 */
class ConfigurationDocTest {

  @Test
  void theConfigurationDocIsWhatTheDeclarationsGive() throws IOException {
    String expected = ConfigurationDoc.render();
    if (Boolean.getBoolean("shop.docs.write")) {
      Files.writeString(ConfigurationDoc.FILE, expected);
    }
    String actual = Files.exists(ConfigurationDoc.FILE) ? Files.readString(ConfigurationDoc.FILE) : "";
    assertThat(actual).as("docs/configuration.md is generated from the declared settings and differs from them:"
        + " run " + ConfigurationDoc.REGENERATE + " to rewrite it").isEqualTo(expected);
  }

  @Test
  void everyDeclaredKeyAndHandlerIsInIt() {
    String doc = ConfigurationDoc.render();
    assertThat(doc).contains(ConfigurationDoc.handlerTable());
    HandlerCatalogue.standard().settings().forEach(s -> assertThat(doc).contains("| `" + s.envName() + "` |"));
    WorkerConfig.KEYS.forEach((subsystem, keys) -> {
      assertThat(doc).contains("### " + subsystem + "\n");
      keys.forEach(key -> assertThat(doc).contains("| `" + key.envName() + "` | "));
    });
  }
}
