package dev.shopstream.handlers.analytics;

import dev.shopstream.handlers.EffectFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends messages that are ready at about the same time together: every caller waits for its own
 * message's result, while one flusher thread packs what is queued into batches of at most 10 messages
 * and 256 KiB and hands each to one of a few concurrent senders. A batch waits at most {@code linger}
 * for company after its first message (a few milliseconds: each call costs the worker ~0.5 ms of CPU
 * in the SDK, whatever its size, so one message per call made the CPU the bound); it goes as soon as
 * it is full.
 *
 * <p>Order: a caller's message is sent only once it is queued, and the record engine publishes a
 * key's next event only after the previous one returned, so one message group never has two messages
 * in flight. Failures are per message: an entry SNS refuses fails only its caller.
 */
public final class BatchingAnalyticsPublisher implements AnalyticsPublisher, AutoCloseable {
  /** SNS PublishBatch limits. */
  static final int MAX_ENTRIES = 10;
  static final int MAX_BATCH_BYTES = 256 * 1024;

  /** Sends one batch; for each message, null when it was accepted, else why not. */
  @FunctionalInterface
  public interface BatchSender {
    List<RuntimeException> send(List<AnalyticsMessage> batch);
  }

  private record Pending(AnalyticsMessage message, int bytes, CompletableFuture<Void> result) {}

  private final BatchSender sender;
  private final Duration linger;
  private final Duration callTimeout;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Semaphore sending;
  private final ExecutorService senders;
  private final Thread flusher;
  private volatile boolean closed;

  /**
   * @param concurrentBatches batches in flight at once
   * @param linger how long a batch waits for more messages after its first, at most
   * @param callTimeout how long a caller waits for its message's batch at most
   */
  public BatchingAnalyticsPublisher(BatchSender sender, int concurrentBatches, Duration linger, Duration callTimeout) {
    this.sender = sender;
    this.linger = linger;
    this.callTimeout = callTimeout;
    this.sending = new Semaphore(concurrentBatches);
    AtomicInteger threads = new AtomicInteger();
    this.senders = Executors.newFixedThreadPool(concurrentBatches, task -> {
      Thread thread = new Thread(task, "analytics-batch-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.flusher = new Thread(this::flushLoop, "analytics-flusher");
    flusher.setDaemon(true);
    flusher.start();
  }

  @Override
  public void publish(AnalyticsMessage message) {
    if (closed) {
      throw new IllegalStateException("the analytics publisher is closed");
    }
    Pending pending = new Pending(message, size(message), new CompletableFuture<>());
    queue.add(pending);
    try {
      pending.result().get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw EffectFailure.retryable("analytics publish not confirmed within " + callTimeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw EffectFailure.retryable("interrupted while publishing to analytics", e);
    }
  }

  private void flushLoop() {
    Pending carried = null;
    while (!closed) {
      try {
        Pending first = carried != null ? carried : queue.take();
        carried = null;
        sending.acquire();
        List<Pending> batch = new ArrayList<>(MAX_ENTRIES);
        batch.add(first);
        int bytes = first.bytes();
        long deadline = System.nanoTime() + linger.toNanos();
        while (batch.size() < MAX_ENTRIES) {
          long wait = deadline - System.nanoTime();
          Pending next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          if (bytes + next.bytes() > MAX_BATCH_BYTES) {
            carried = next;
            break;
          }
          batch.add(next);
          bytes += next.bytes();
        }
        senders.execute(() -> send(batch));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void send(List<Pending> batch) {
    try {
      List<RuntimeException> results = sender.send(batch.stream().map(Pending::message).toList());
      for (int i = 0; i < batch.size(); i++) {
        RuntimeException failure = i < results.size() ? results.get(i) : null;
        if (failure == null) {
          batch.get(i).result().complete(null);
        } else {
          batch.get(i).result().completeExceptionally(failure);
        }
      }
    } catch (RuntimeException e) {
      batch.forEach(pending -> pending.result().completeExceptionally(e));
    } catch (Error e) {
      // its callers learn at once (not after their timeout); the Error goes on to the thread's handler,
      // which ends the worker (see the pipeline's FatalErrors)
      batch.forEach(pending -> pending.result().completeExceptionally(
          EffectFailure.retryable("the analytics sender failed with " + e, e)));
      throw e;
    } finally {
      sending.release();
    }
  }

  /** What a message adds to a batch: its body and attributes. */
  private static int size(AnalyticsMessage message) {
    int bytes = message.body().getBytes(StandardCharsets.UTF_8).length;
    for (var attribute : message.attributes().entrySet()) {
      bytes += attribute.getKey().length() + attribute.getValue().getBytes(StandardCharsets.UTF_8).length + 16;
    }
    return bytes;
  }

  @Override
  public void close() {
    closed = true;
    flusher.interrupt();
    senders.shutdownNow();
    queue.forEach(pending -> pending.result().completeExceptionally(
        EffectFailure.retryable("the analytics publisher closed", null)));
  }
}
