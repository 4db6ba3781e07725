package dev.shopstream.pipeline.app;

import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.logging.LoggingHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Every handler the worker can run, by the name {@code SHOP_HANDLERS} uses; built only when enabled. */
public final class HandlerCatalogue {
  private final Map<String, Supplier<EventHandler>> factories;

  private HandlerCatalogue(Map<String, Supplier<EventHandler>> factories) {
    this.factories = Map.copyOf(factories);
  }

  public static HandlerCatalogue standard() {
    Map<String, Supplier<EventHandler>> factories = new LinkedHashMap<>();
    factories.put(LoggingHandler.NAME, LoggingHandler::new);
    return new HandlerCatalogue(factories);
  }

  /** This catalogue with {@code name} built by {@code factory} instead (the demo prints, tests record). */
  public HandlerCatalogue with(String name, Supplier<EventHandler> factory) {
    Map<String, Supplier<EventHandler>> copy = new LinkedHashMap<>(factories);
    copy.put(name, factory);
    return new HandlerCatalogue(copy);
  }

  public Set<String> names() {
    return factories.keySet();
  }

  public List<EventHandler> build(List<String> names) {
    return names.stream().map(name -> {
      Supplier<EventHandler> factory = factories.get(name);
      if (factory == null) {
        throw new IllegalArgumentException("unknown handler '" + name + "'; known: " + names());
      }
      return factory.get();
    }).toList();
  }
}
