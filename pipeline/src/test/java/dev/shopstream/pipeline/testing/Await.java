package dev.shopstream.pipeline.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits in process tests: polls a condition every 200 ms, failing with what was awaited and the state around it. */
public final class Await {
  private Await() {}

  /** @param context what the failure adds (e.g. the live workers), read only when it fails */
  public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<Object> context)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + "; " + context.get());
      }
      Thread.sleep(200);
    }
  }
}
