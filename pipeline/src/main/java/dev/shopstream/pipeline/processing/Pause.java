package dev.shopstream.pipeline.processing;

import java.time.Duration;

/** Waits between attempts; a seam so that tests move a clock instead of sleeping. */
@FunctionalInterface
public interface Pause {
  /** @return false when {@code cancellation} fired first: stop, do not try again */
  boolean pause(Duration duration, Cancellation cancellation);

  Pause SYSTEM = (duration, cancellation) -> cancellation.sleep(duration);
}
