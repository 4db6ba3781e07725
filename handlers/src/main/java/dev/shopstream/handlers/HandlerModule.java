package dev.shopstream.handlers;

import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.util.List;

/**
 * A handler package's description of itself: its name (as {@code SHOP_HANDLERS} spells it), what it
 * does, its settings and how to build it. The worker's catalogue, its configuration keys and the
 * handler and configuration tables of docs/configuration.md all derive from these descriptions.
 */
public interface HandlerModule {

  String name();

  /** One sentence for the handler table of docs/configuration.md. */
  String purpose();

  /**
   * Keys this handler reads, required or checked only when it is enabled: the settings its module class
   * declares as public static final fields, so a new key is its declaration and the line that reads it.
   */
  default List<Setting<?>> settings() {
    return Setting.declaredIn(getClass());
  }

  /**
   * Reads and checks this handler's settings, reporting problems to {@code values}.
   *
   * @return how to build the handler once every setting is valid
   */
  Factory configure(SettingValues values);

  /** Builds the handler from the worker's shared resources, and checks what it depends on. */
  interface Factory {
    EventHandler create(HandlerResources resources);

    /**
     * Checks at start-up that what the handler sends to exists and answers (a topic, a sender identity).
     *
     * @return one line per problem, each naming the setting to fix; empty when usable
     */
    default List<String> preflight(HandlerResources resources) {
      return List.of();
    }

    /** True when the handler's effects are claimed in the idempotency table (checked at start-up). */
    default boolean claimsEffects() {
      return false;
    }
  }
}
