package dev.shopstream.handlers.logging;

import dev.shopstream.handlers.HandlerModule;
import dev.shopstream.settings.SettingValues;

/** The logging handler: no settings. */
public final class LoggingModule implements HandlerModule {
  @Override
  public String name() {
    return LoggingHandler.NAME;
  }

  @Override
  public String purpose() {
    return "Every event as one log line (its summary, no contact details): for trying the worker out.";
  }


  @Override
  public Factory configure(SettingValues values) {
    return resources -> new LoggingHandler();
  }
}
