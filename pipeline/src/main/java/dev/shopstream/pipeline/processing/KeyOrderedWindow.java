package dev.shopstream.pipeline.processing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The concurrent, key-ordered record engine of one shard. Items are offered in stream order; items
 * of one key run one at a time in that order, items of different keys run at once on a shared
 * executor. At most {@code capacity} items, and at most {@code maxBytes} of them by their size, are
 * held, counted from the oldest one not yet handled: that bounds memory and how far the engine runs
 * ahead of a held item, and {@link #offer} blocks (back-pressure on the stream reader) while the window
 * is full. An item larger than {@code maxBytes} is still taken, once the window is empty.
 *
 * <p>The {@linkplain #watermark watermark} is the last item of the unbroken handled prefix: nothing
 * after an unhandled item is ever below it. An item whose work reports it not handled (cancelled)
 * freezes its key: later items of that key are never started, so they are delivered again with it.
 *
 * @param <T> the item (a stream record)
 */
public final class KeyOrderedWindow<T> {
  private static final Logger LOG = LoggerFactory.getLogger(KeyOrderedWindow.class);

  private final int capacity;
  private final long maxBytes;
  private final ToLongFunction<T> sizeOf;
  private final Function<T, String> keyOf;
  private final Predicate<T> work;
  private final Executor executor;
  private final Consumer<Throwable> escaped;
  private final Clock clock;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Offered items not yet below the watermark, in stream order. */
  private final ArrayDeque<Slot<T>> window = new ArrayDeque<>();
  /** Keys with an item running (or frozen), each with the items waiting behind it. */
  private final Map<String, ArrayDeque<Slot<T>>> lanes = new HashMap<>();
  private T watermark;
  private long handled;
  private int running;
  private long heldBytes;

  /**
   * @param work runs one item to its end on an executor thread; true when handled, false when it
   *     stopped first (its key then freezes)
   * @param escaped told of anything {@code work} throws (the item stays unhandled, its key frozen)
   */
  public KeyOrderedWindow(int capacity, Function<T, String> keyOf, Predicate<T> work, Executor executor,
      Consumer<Throwable> escaped, Clock clock) {
    this(capacity, Long.MAX_VALUE, item -> 0, keyOf, work, executor, escaped, clock);
  }

  /**
   * @param maxBytes how many bytes of items (by {@code sizeOf}) the window holds at most
   * @param sizeOf an item's size in bytes
   */
  public KeyOrderedWindow(int capacity, long maxBytes, ToLongFunction<T> sizeOf, Function<T, String> keyOf,
      Predicate<T> work, Executor executor, Consumer<Throwable> escaped, Clock clock) {
    if (capacity < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("capacity and maxBytes must be at least 1, got " + capacity + " and "
          + maxBytes);
    }
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.sizeOf = sizeOf;
    this.keyOf = keyOf;
    this.work = work;
    this.executor = executor;
    this.escaped = escaped;
    this.clock = clock;
  }

  private static final class Slot<T> {
    final T item;
    final String key;
    final Instant takenAt;
    final long bytes;
    boolean handled;

    Slot(T item, String key, Instant takenAt, long bytes) {
      this.item = item;
      this.key = key;
      this.takenAt = takenAt;
      this.bytes = bytes;
    }
  }

  /** The oldest item not yet handled and when the window took it. */
  public record Oldest<T>(T item, Instant takenAt) {}

  /**
   * Takes the next item of the stream, waiting up to {@code timeout} for room.
   *
   * @return false when the window stayed full (the caller checkpoints or checks for cancellation, then offers again)
   */
  public boolean offer(T item, Duration timeout) throws InterruptedException {
    Slot<T> start;
    long bytes = Math.max(0, sizeOf.applyAsLong(item));
    lock.lock();
    try {
      long nanos = timeout.toNanos();
      while (window.size() >= capacity || !window.isEmpty() && heldBytes + bytes > maxBytes) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      Slot<T> slot = new Slot<>(item, keyOf.apply(item), clock.instant(), bytes);
      window.addLast(slot);
      heldBytes += bytes;
      ArrayDeque<Slot<T>> lane = lanes.get(slot.key);
      if (lane == null) {
        lanes.put(slot.key, new ArrayDeque<>());
        running++;
        start = slot;
      } else {
        lane.addLast(slot);
        start = null;
      }
    } finally {
      lock.unlock();
    }
    if (start != null) {
      start(start);
    }
    return true;
  }

  private void start(Slot<T> slot) {
    try {
      executor.execute(() -> run(slot));
    } catch (RejectedExecutionException e) {
      LOG.warn("record engine closed: item of key {} not started", slot.key);
      finish(slot, false);
    }
  }

  private void run(Slot<T> slot) {
    boolean done = false;
    try {
      done = work.test(slot.item);
    } catch (RuntimeException | Error e) {
      LOG.error("item of key {} failed outside its handling; its key holds: {}", slot.key, e.toString(), e);
      escaped.accept(e);
    } finally {
      finish(slot, done);
    }
  }

  private void finish(Slot<T> slot, boolean done) {
    Slot<T> next = null;
    lock.lock();
    try {
      running--;
      if (done) {
        slot.handled = true;
        handled++;
        ArrayDeque<Slot<T>> lane = lanes.get(slot.key);
        next = lane.pollFirst();
        if (next == null) {
          lanes.remove(slot.key);
        } else {
          running++;
        }
        while (!window.isEmpty() && window.peekFirst().handled) {
          Slot<T> below = window.pollFirst();
          heldBytes -= below.bytes;
          watermark = below.item;
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (next != null) {
      start(next);
    }
  }

  /** The last item of the unbroken handled prefix; null while there is none. */
  public T watermark() {
    lock.lock();
    try {
      return watermark;
    } finally {
      lock.unlock();
    }
  }

  /** The oldest item not yet handled; null when every offered item is. */
  public Oldest<T> oldestUnhandled() {
    lock.lock();
    try {
      return window.isEmpty() ? null : new Oldest<>(window.peekFirst().item, window.peekFirst().takenAt);
    } finally {
      lock.unlock();
    }
  }

  /** Items handled since the start. */
  public long handledCount() {
    lock.lock();
    try {
      return handled;
    } finally {
      lock.unlock();
    }
  }

  /** Items held: running, waiting behind their key, or handled after an unhandled one. */
  public int size() {
    lock.lock();
    try {
      return window.size();
    } finally {
      lock.unlock();
    }
  }

  /** Bytes of the items held (by their size). */
  public long heldBytes() {
    lock.lock();
    try {
      return heldBytes;
    } finally {
      lock.unlock();
    }
  }

  /** True when every offered item is handled. */
  public boolean allHandled() {
    lock.lock();
    try {
      return window.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until nothing runs any more (every item handled, or stopped with its key frozen).
   *
   * @return false when items were still running after {@code timeout}
   */
  public boolean awaitQuiet(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      long nanos = timeout.toNanos();
      while (running > 0) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
