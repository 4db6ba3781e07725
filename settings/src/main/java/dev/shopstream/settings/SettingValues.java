package dev.shopstream.settings;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads settings from an environment map, checking each against its rule and collecting every
 * problem, so that a start-up reports all bad values at once.
 */
public final class SettingValues {
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public SettingValues(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The trimmed value, or the default when unset; a value its rule refuses is reported and the default returned. */
  public String text(Setting setting) {
    String raw = env.get(setting.envName());
    String value = raw == null ? setting.defaultValue() : raw.trim();
    String problem = setting.rule().problem(value);
    if (problem != null) {
      problem(setting, value, problem);
      return setting.defaultValue();
    }
    return value;
  }

  public long number(Setting setting) {
    return Long.parseLong(text(setting));
  }

  public boolean flag(Setting setting) {
    return Boolean.parseBoolean(text(setting).toLowerCase(Locale.ROOT));
  }

  public <E extends Enum<E>> E choice(Setting setting, Class<E> type) {
    return Enum.valueOf(type, text(setting).toUpperCase(Locale.ROOT));
  }

  public Optional<URI> url(Setting setting) {
    return Optional.of(text(setting)).filter(s -> !s.isEmpty()).map(URI::create);
  }

  /** The value, reporting it missing when empty: {@code why} says who needs it. */
  public String required(Setting setting, String why) {
    String value = text(setting);
    if (value.isEmpty() && setting.rule().problem(raw(setting)) == null) {
      problems.add(setting.envName() + " must be set " + why);
    }
    return value;
  }

  private String raw(Setting setting) {
    String raw = env.get(setting.envName());
    return raw == null ? setting.defaultValue() : raw.trim();
  }

  public void problem(Setting setting, String value, String what) {
    problems.add(setting.secret() ? setting.envName() + " " + what
        : setting.envName() + "='" + value + "' " + what + " (default: '" + setting.defaultValue() + "')");
  }

  public void check(boolean condition, String problem) {
    if (!condition) {
      problems.add(problem);
    }
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }
}
