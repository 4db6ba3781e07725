package dev.shopstream.handlers.email;

import java.time.Duration;

/** How this package's background work waits (tests pass one that does not sleep). */
interface Sleeper {
  Sleeper REAL = pause -> Thread.sleep(pause.toMillis(), (int) (pause.toNanos() % 1_000_000));

  void sleep(Duration pause) throws InterruptedException;
}
