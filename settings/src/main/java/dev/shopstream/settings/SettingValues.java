package dev.shopstream.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  /** The typed value, or the default's when unset; a value its rule refuses is reported and the default's returned. */
  public <T> T get(Setting<T> setting) {
    String value = raw(setting);
    String problem = setting.rule().problem(value);
    if (problem != null) {
      problem(setting, value, problem);
      return setting.parse(setting.defaultValue());
    }
    return setting.parse(value);
  }

  /** The value, reporting it missing when empty: {@code why} says who needs it. */
  public String required(Setting<String> setting, String why) {
    String value = get(setting);
    if (value.isEmpty() && setting.rule().problem(raw(setting)) == null) {
      problems.add(setting.envName() + " must be set " + why);
    }
    return value;
  }

  private String raw(Setting<?> setting) {
    String raw = env.get(setting.envName());
    return raw == null ? setting.defaultValue() : raw.trim();
  }

  /** Reports {@code value} of {@code setting} as wrong ({@code what}: how), with the default. */
  public void problem(Setting<?> setting, String value, String what) {
    problems.add(setting.secret() ? setting.envName() + " " + what
        : setting.envName() + "='" + value + "' " + what + " (default: '" + setting.defaultValue() + "')");
  }

  /** Reports {@code problem} unless {@code condition} holds (a rule across keys). */
  public void check(boolean condition, String problem) {
    if (!condition) {
      problems.add(problem);
    }
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }
}
