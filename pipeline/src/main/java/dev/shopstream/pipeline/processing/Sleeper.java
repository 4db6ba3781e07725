package dev.shopstream.pipeline.processing;

import java.time.Duration;

/** Waits; a seam so tests do not sleep. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());
}
