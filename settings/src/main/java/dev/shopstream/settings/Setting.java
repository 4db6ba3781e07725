package dev.shopstream.settings;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One configuration key, declared once beside the code that reads it: its environment name, default,
 * meaning, what it accepts and the type it is read as. docs/configuration.md is generated from these
 * declarations (ConfigurationDocTest, bin/docs).
 *
 * @param rule what the raw text must satisfy (checked before {@code parser} sees it)
 * @param parser the typed value of a text its rule accepts
 * @param secret the value is never repeated in messages
 * @param <T> the type consumers get
 */
public record Setting<T>(String envName, String defaultValue, String meaning, Rule rule, Function<String, T> parser,
    boolean secret) {
  public Setting {
    Objects.requireNonNull(envName, "envName");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(meaning, "meaning");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(parser, "parser");
    if (!defaultValue.isEmpty() && rule.problem(defaultValue) != null) {
      throw new IllegalArgumentException(envName + "'s default '" + defaultValue + "' " + rule.problem(defaultValue));
    }
  }

  /** Text as given (trimmed). */
  public static Setting<String> text(String envName, String defaultValue, Rule rule, String meaning) {
    return new Setting<>(envName, defaultValue, meaning, rule, Function.identity(), false);
  }

  /** Text never repeated in a message, no default. */
  public static Setting<String> secret(String envName, Rule rule, String meaning) {
    return new Setting<>(envName, "", meaning, rule, Function.identity(), true);
  }

  /** A whole number in {@code min..max}. */
  public static Setting<Long> number(String envName, long defaultValue, long min, long max, String meaning) {
    return new Setting<>(envName, Long.toString(defaultValue), meaning, Rule.range(min, max), Long::valueOf, false);
  }

  /** A whole number in {@code min..max} that fits an int. */
  public static Setting<Integer> integer(String envName, int defaultValue, int min, int max, String meaning) {
    return new Setting<>(envName, Integer.toString(defaultValue), meaning, Rule.range(min, max), Integer::valueOf,
        false);
  }

  /** A duration given in milliseconds ({@code min..max} of them). */
  public static Setting<Duration> millis(String envName, long defaultValue, long min, long max, String meaning) {
    return new Setting<>(envName, Long.toString(defaultValue), meaning, Rule.range(min, max),
        text -> Duration.ofMillis(Long.parseLong(text)), false);
  }

  /** A duration given in seconds ({@code min..max} of them). */
  public static Setting<Duration> seconds(String envName, long defaultValue, long min, long max, String meaning) {
    return new Setting<>(envName, Long.toString(defaultValue), meaning, Rule.range(min, max),
        text -> Duration.ofSeconds(Long.parseLong(text)), false);
  }

  /** A duration given in hours ({@code min..max} of them). */
  public static Setting<Duration> hours(String envName, long defaultValue, long min, long max, String meaning) {
    return new Setting<>(envName, Long.toString(defaultValue), meaning, Rule.range(min, max),
        text -> Duration.ofHours(Long.parseLong(text)), false);
  }

  /** true or false, case-insensitive. */
  public static Setting<Boolean> flag(String envName, boolean defaultValue, String meaning) {
    return new Setting<>(envName, Boolean.toString(defaultValue), meaning, Rule.flag(),
        text -> Boolean.parseBoolean(text.toLowerCase(Locale.ROOT)), false);
  }

  /** One of an enum's constants by name, case-insensitive. */
  public static <E extends Enum<E>> Setting<E> choice(String envName, E defaultValue, String meaning) {
    Class<E> type = defaultValue.getDeclaringClass();
    return new Setting<>(envName, defaultValue.name(), meaning, Rule.oneOf(type),
        text -> Enum.valueOf(type, text.toUpperCase(Locale.ROOT)), false);
  }

  /** Empty (none), or an absolute http(s) URL with a host. */
  public static Setting<Optional<URI>> url(String envName, String meaning) {
    return new Setting<>(envName, "", meaning, Rule.optionalUrl(),
        text -> Optional.of(text).filter(s -> !s.isEmpty()).map(URI::create), false);
  }

  /** The typed value of {@code text}, which its rule has accepted. */
  public T parse(String text) {
    return parser.apply(text);
  }

  /** The meaning, followed by the accepted range when the rule states one. */
  public String description() {
    String accepts = rule.accepts();
    return accepts.isEmpty() || !accepts.contains("..") ? meaning : meaning + " Range " + accepts + ".";
  }

  /**
   * The settings {@code owner} declares as public static final fields, in declaration order (the order the
   * JDK's reflection gives, which is that order; the generated configuration.md would show a change): a key
   * declared there is known (documented, and not refused as unknown) without being listed anywhere else.
   */
  public static List<Setting<?>> declaredIn(Class<?> owner) {
    List<Setting<?>> declared = new ArrayList<>();
    for (Field field : owner.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (field.getType() == Setting.class && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
          && Modifier.isPublic(modifiers)) {
        try {
          declared.add((Setting<?>) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(owner.getName() + "." + field.getName() + " cannot be read", e);
        }
      }
    }
    return List.copyOf(declared);
  }
}
