package dev.shopstream.settings;

import java.util.Objects;

/**
 * One configuration key, declared once: its environment name, default, meaning and what it accepts.
 * docs/configuration.md is generated from these declarations (ConfigurationDocTest, bin/docs).
 *
 * @param secret the value is never repeated in messages
 */
public record Setting(String envName, String defaultValue, String meaning, Rule rule, boolean secret) {
  public Setting {
    Objects.requireNonNull(envName, "envName");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(meaning, "meaning");
    Objects.requireNonNull(rule, "rule");
    if (!defaultValue.isEmpty() && rule.problem(defaultValue) != null) {
      throw new IllegalArgumentException(envName + "'s default '" + defaultValue + "' " + rule.problem(defaultValue));
    }
  }

  public static Setting of(String envName, String defaultValue, Rule rule, String meaning) {
    return new Setting(envName, defaultValue, meaning, rule, false);
  }

  public static Setting secret(String envName, Rule rule, String meaning) {
    return new Setting(envName, "", meaning, rule, true);
  }

  /** The meaning, followed by the accepted range when the rule states one. */
  public String description() {
    String accepts = rule.accepts();
    return accepts.isEmpty() || !accepts.contains("..") ? meaning : meaning + " Range " + accepts + ".";
  }
}
