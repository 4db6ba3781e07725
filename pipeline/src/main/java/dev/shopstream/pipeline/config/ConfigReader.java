package dev.shopstream.pipeline.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads keys from an environment map, collecting every problem before failing. */
final class ConfigReader {
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  ConfigReader(Map<String, String> env) {
    this.env = env;
  }

  String text(ConfigKey key) {
    String value = env.get(key.envName());
    return value == null ? key.defaultValue() : value.trim();
  }

  String nonBlank(ConfigKey key) {
    String value = text(key);
    if (value.isEmpty()) {
      problem(key, value, "must not be empty");
    }
    return value;
  }

  long number(ConfigKey key, long min, long max) {
    String value = text(key);
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min || parsed > max) {
        problem(key, value, "must be between " + min + " and " + max);
        return Long.parseLong(key.defaultValue());
      }
      return parsed;
    } catch (NumberFormatException e) {
      problem(key, value, "must be a whole number between " + min + " and " + max);
      return Long.parseLong(key.defaultValue());
    }
  }

  boolean bool(ConfigKey key) {
    String value = text(key).toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      problem(key, value, "must be true or false");
      return Boolean.parseBoolean(key.defaultValue());
    }
    return Boolean.parseBoolean(value);
  }

  <E extends Enum<E>> E choice(ConfigKey key, Class<E> type) {
    String value = text(key);
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem(key, value, "must be one of " + Arrays.toString(type.getEnumConstants()));
      return Enum.valueOf(type, key.defaultValue());
    }
  }

  /** Empty when unset; else an absolute http(s) URI. */
  URI endpoint(ConfigKey key) {
    String value = text(key);
    if (value.isEmpty()) {
      return null;
    }
    try {
      URI uri = URI.create(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        problem(key, value, "must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8000");
        return null;
      }
      return uri;
    } catch (IllegalArgumentException e) {
      problem(key, value, "is not a URL (" + e.getMessage() + ")");
      return null;
    }
  }

  List<String> names(ConfigKey key, Set<String> allowed) {
    List<String> names = Arrays.stream(text(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (names.isEmpty()) {
      problem(key, text(key), "must name at least one of " + allowed);
    }
    for (String name : names) {
      if (!allowed.contains(name)) {
        problem(key, text(key), "names unknown handler '" + name + "'; known: " + allowed);
      }
    }
    if (names.stream().distinct().count() != names.size()) {
      problem(key, text(key), "names a handler twice");
    }
    return names;
  }

  void problem(ConfigKey key, String value, String what) {
    problems.add(key.envName() + "='" + value + "' " + what + " (default: '" + key.defaultValue() + "')");
  }

  /** For secrets: the value is not repeated in the message. */
  void problemWithoutValue(ConfigKey key, String what) {
    problems.add(key.envName() + " " + what);
  }

  void check(boolean condition, String problem) {
    if (!condition) {
      problems.add(problem);
    }
  }

  void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}
