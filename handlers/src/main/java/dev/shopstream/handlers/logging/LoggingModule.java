package dev.shopstream.handlers.logging;

import dev.shopstream.handlers.HandlerModule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.util.List;

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
  public List<Setting> settings() {
    return List.of();
  }

  @Override
  public Factory configure(SettingValues values) {
    return resources -> new LoggingHandler();
  }
}
