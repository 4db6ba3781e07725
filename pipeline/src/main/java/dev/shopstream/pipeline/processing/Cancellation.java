package dev.shopstream.pipeline.processing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The one signal that work must stop, seen by every layer: the worker stopping cancels every
 * shard's signal (its children); a lost lease cancels one shard's. Pauses between attempts wake up
 * at once when it fires, so in-flight retries end with it.
 */
public final class Cancellation {
  private final CountDownLatch fired = new CountDownLatch(1);
  private final List<Cancellation> children = new CopyOnWriteArrayList<>();
  private volatile String reason;

  /** A signal cancelled with this one (and on its own). */
  public Cancellation child() {
    Cancellation child = new Cancellation();
    children.add(child);
    String why = reason;
    if (why != null) {
      child.cancel(why);
    }
    return child;
  }

  /** Forgets a child whose work is over. */
  public void release(Cancellation child) {
    children.remove(child);
  }

  /** True while a child is neither released nor over: some shard still has work to finish or checkpoint. */
  public boolean hasLiveChildren() {
    return !children.isEmpty();
  }

  public void cancel(String why) {
    synchronized (this) {
      if (reason != null) {
        return;
      }
      reason = why;
    }
    fired.countDown();
    children.forEach(child -> child.cancel(why));
  }

  public boolean isCancelled() {
    return reason != null;
  }

  /** Why the work was cancelled (stopping, lease lost), or null. */
  public String reason() {
    return reason;
  }

  /** Waits {@code duration}; false when cancelled (or interrupted) first. */
  public boolean sleep(Duration duration) {
    try {
      return !fired.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
