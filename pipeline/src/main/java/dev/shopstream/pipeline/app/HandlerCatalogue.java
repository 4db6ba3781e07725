package dev.shopstream.pipeline.app;

import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerModule;
import dev.shopstream.handlers.HandlerResources;
import dev.shopstream.handlers.analytics.AnalyticsModule;
import dev.shopstream.handlers.email.EmailModule;
import dev.shopstream.handlers.logging.LoggingModule;
import dev.shopstream.handlers.waitlist.WaitlistModule;
import dev.shopstream.settings.ConfigException;
import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Every handler the worker can run, by the name {@code SHOP_HANDLERS} uses: the handler modules'
 * own descriptions, plus any a test or the demo adds. Handlers are built, and their settings checked,
 * only when enabled.
 */
public final class HandlerCatalogue {
  public static final Setting<String> HANDLERS = Setting.text("SHOP_HANDLERS", "email,waitlist,analytics",
      Rule.nonBlank(), "Comma-separated handlers to run (see Handlers for each one's settings).");

  /** The product's handlers, in the order docs/configuration.md lists them. */
  public static final List<HandlerModule> MODULES = List.of(new EmailModule(), new WaitlistModule(),
      new AnalyticsModule(), new LoggingModule());

  private final Map<String, HandlerModule> modules;
  private final UnaryOperator<EventHandler> decorator;

  private HandlerCatalogue(Map<String, HandlerModule> modules, UnaryOperator<EventHandler> decorator) {
    this.modules = Collections.unmodifiableMap(new LinkedHashMap<>(modules));
    this.decorator = decorator;
  }

  public static HandlerCatalogue standard() {
    Map<String, HandlerModule> byName = new LinkedHashMap<>();
    MODULES.forEach(module -> byName.put(module.name(), module));
    return new HandlerCatalogue(byName, UnaryOperator.identity());
  }

  /** This catalogue with {@code name} built by {@code factory} instead (the demo prints, tests record). */
  public HandlerCatalogue with(String name, Supplier<EventHandler> factory) {
    Map<String, HandlerModule> copy = new LinkedHashMap<>(modules);
    copy.put(name, new Extra(name, factory));
    return new HandlerCatalogue(copy, decorator);
  }

  /** This catalogue with every handler it builds wrapped by {@code wrapper}. */
  public HandlerCatalogue map(UnaryOperator<EventHandler> wrapper) {
    UnaryOperator<EventHandler> before = decorator;
    return new HandlerCatalogue(modules, handler -> wrapper.apply(before.apply(handler)));
  }

  public Set<String> names() {
    return modules.keySet();
  }

  /** Every handler key, of enabled handlers or not: all are known keys. */
  public List<Setting<?>> settings() {
    return modules.values().stream().flatMap(module -> module.settings().stream()).toList();
  }

  /** The handlers {@code SHOP_HANDLERS} enables, reporting a name this catalogue does not know or names twice. */
  List<String> enabled(SettingValues values) {
    String text = values.get(HANDLERS);
    List<String> enabled = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String name : enabled) {
      if (!modules.containsKey(name)) {
        values.problem(HANDLERS, text, "names unknown handler '" + name + "'; known: " + names().stream().sorted()
            .toList());
      }
    }
    if (enabled.stream().distinct().count() != enabled.size()) {
      values.problem(HANDLERS, text, "names a handler twice");
    }
    return enabled;
  }

  /**
   * The enabled handlers' factories, after checking all their settings.
   *
   * @throws ConfigException naming every missing or invalid handler setting
   */
  public List<HandlerModule.Factory> configure(List<String> enabled, Map<String, String> handlerSettings) {
    SettingValues values = new SettingValues(handlerSettings);
    List<HandlerModule.Factory> factories = new ArrayList<>();
    for (String name : enabled) {
      HandlerModule module = modules.get(name);
      if (module == null) {
        throw new ConfigException(List.of("unknown handler '" + name + "'; known: " + names()));
      }
      factories.add(module.configure(values));
    }
    if (!values.problems().isEmpty()) {
      throw new ConfigException(values.problems());
    }
    return factories;
  }

  /** The enabled handlers, built after checking their settings ({@link #configure}). */
  public List<EventHandler> build(List<String> enabled, Map<String, String> handlerSettings,
      HandlerResources resources) {
    return configure(enabled, handlerSettings).stream().map(factory -> decorator.apply(factory.create(resources)))
        .toList();
  }

  /** A handler a test or the demo supplies: no settings. */
  private record Extra(String name, Supplier<EventHandler> factory) implements HandlerModule {
    @Override
    public String purpose() {
      return "supplied by the caller";
    }

    @Override
    public Factory configure(SettingValues values) {
      return resources -> factory.get();
    }
  }
}
