package dev.shopstream.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingTest {
  enum Mode { FAST, SAFE }

  /** A slice as the worker declares them: public static final fields beside the code that reads them. */
  static final class Slice {
    public static final Setting<Duration> PAUSE = Setting.millis("SHOP_PAUSE_MILLIS", 250, 10, 60_000, "Pause.");
    public static final Setting<Mode> MODE = Setting.choice("SHOP_MODE", Mode.SAFE, "Mode.");
    public static final Setting<Optional<URI>> ENDPOINT = Setting.url("SHOP_ENDPOINT", "Endpoint.");
    public static final Setting<String> SECRET = Setting.secret("SHOP_SECRET", Rule.optionalMinLength(8), "Secret.");
    static final Setting<Boolean> NOT_PUBLIC = Setting.flag("SHOP_HIDDEN", false, "Not a declared key.");
    public static final String NOT_A_SETTING = "x";
  }

  @Test
  void eachKeyIsReadAsItsTypeWithItsDefaultWhenUnset() {
    SettingValues values = new SettingValues(Map.of("SHOP_PAUSE_MILLIS", " 40 ", "SHOP_MODE", "fast",
        "SHOP_ENDPOINT", "http://127.0.0.1:4566"));
    assertThat(values.get(Slice.PAUSE)).isEqualTo(Duration.ofMillis(40));
    assertThat(values.get(Slice.MODE)).isEqualTo(Mode.FAST);
    assertThat(values.get(Slice.ENDPOINT)).contains(URI.create("http://127.0.0.1:4566"));
    SettingValues unset = new SettingValues(Map.of());
    assertThat(unset.get(Slice.PAUSE)).isEqualTo(Duration.ofMillis(250));
    assertThat(unset.get(Slice.MODE)).isEqualTo(Mode.SAFE);
    assertThat(unset.get(Slice.ENDPOINT)).isEmpty();
    assertThat(values.problems()).isEmpty();
  }

  @Test
  void aRefusedValueIsReportedWithWhatIsAcceptedAndTheDefaultIsUsed() {
    SettingValues values = new SettingValues(Map.of("SHOP_PAUSE_MILLIS", "5", "SHOP_MODE", "quick",
        "SHOP_SECRET", "short"));
    assertThat(values.get(Slice.PAUSE)).isEqualTo(Duration.ofMillis(250));
    assertThat(values.get(Slice.MODE)).isEqualTo(Mode.SAFE);
    values.get(Slice.SECRET);
    assertThat(values.problems()).containsExactly(
        "SHOP_PAUSE_MILLIS='5' must be between 10 and 60000 (default: '250')",
        "SHOP_MODE='quick' must be FAST or SAFE (default: 'SAFE')",
        "SHOP_SECRET must have at least 8 characters");
  }

  @Test
  void theKeysOfASliceAreItsPublicStaticSettingsInDeclarationOrder() {
    assertThat(Setting.declaredIn(Slice.class)).extracting(Setting::envName)
        .containsExactly("SHOP_PAUSE_MILLIS", "SHOP_MODE", "SHOP_ENDPOINT", "SHOP_SECRET");
  }

  @Test
  void aDefaultItsOwnRuleRefusesIsAProgrammingError() {
    assertThatThrownBy(() -> Setting.integer("SHOP_BAD", 0, 1, 10, "Bad."))
        .hasMessage("SHOP_BAD's default '0' must be between 1 and 10");
  }

  @Test
  void anUnknownKeyIsNamedWithTheNearestKnownOne() {
    assertThat(UnknownKeys.problems(Map.of("SHOP_MDOE", "x", "HOME", "/root"), List.of("SHOP_MODE")))
        .containsExactly("SHOP_MDOE is not a setting of shop-stream; did you mean SHOP_MODE?");
  }
}
