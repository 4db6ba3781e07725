package dev.shopstream.handlers.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.shopstream.handlers.EffectFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batching of analytics messages that are ready together, with per-message results (a hand-written sender). */
class BatchingAnalyticsPublisherTest {
  private final List<List<AnalyticsMessage>> batches = new CopyOnWriteArrayList<>();
  private final ExecutorService callers = Executors.newFixedThreadPool(64);
  private BatchingAnalyticsPublisher publisher;

  @AfterEach
  void close() {
    callers.shutdownNow();
    if (publisher != null) {
      publisher.close();
    }
  }

  /** A sender that takes 50 ms per call, as a remote PublishBatch would, and refuses the bodies named "refuse". */
  private BatchingAnalyticsPublisher.BatchSender slowSender() {
    return batch -> {
      batches.add(batch);
      sleep(50);
      List<RuntimeException> results = new ArrayList<>();
      for (AnalyticsMessage message : batch) {
        results.add(message.body().equals("refuse") ? EffectFailure.permanent("refused " + message.groupId(), null)
            : null);
      }
      return results;
    };
  }

  private static AnalyticsMessage message(String group, String body) {
    return new AnalyticsMessage(group, "dedup-" + group, body, Map.of("type", "t"));
  }

  @Test
  void messagesReadyTogetherGoOutInBatchesOfAtMostTenAndEachCallerLearnsItsOwnResult() throws Exception {
    publisher = new BatchingAnalyticsPublisher(slowSender(), 4, Duration.ofMillis(5), Duration.ofSeconds(10));
    List<Future<?>> results = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String group = "g" + i;
      results.add(callers.submit(() -> publisher.publish(message(group, "{}"))));
    }
    for (Future<?> result : results) {
      result.get();
    }

    assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 10));
    assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(200);
    assertThat(batches.size()).as("calls for 200 messages").isLessThan(60);
  }

  @Test
  void messagesArrivingWithinTheLingerShareOneCallEvenWhenSendersAreFree() throws Exception {
    publisher = new BatchingAnalyticsPublisher(batch -> {
      batches.add(batch);
      return Arrays.asList(new RuntimeException[batch.size()]);
    }, 16, Duration.ofMillis(200), Duration.ofSeconds(10));
    List<Future<?>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String group = "g" + i;
      results.add(callers.submit(() -> publisher.publish(message(group, "{}"))));
      Thread.sleep(10);
    }
    for (Future<?> result : results) {
      result.get();
    }
    assertThat(batches).singleElement().satisfies(batch -> assertThat(batch).hasSize(5));
  }

  @Test
  void aLoneMessageGoesOutAtOnceOnItsOwn() {
    publisher = new BatchingAnalyticsPublisher(slowSender(), 4, Duration.ofMillis(5), Duration.ofSeconds(10));
    long start = System.nanoTime();
    publisher.publish(message("solo", "{}"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(batches).singleElement().satisfies(batch -> assertThat(batch).hasSize(1));
  }

  @Test
  void anEntryTheServiceRefusesFailsOnlyItsOwnCaller() throws Exception {
    publisher = new BatchingAnalyticsPublisher(slowSender(), 1, Duration.ofMillis(5), Duration.ofSeconds(10));
    List<Future<?>> results = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String body = i == 7 ? "refuse" : "{}";
      String group = "g" + i;
      results.add(callers.submit(() -> publisher.publish(message(group, body))));
    }
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    for (Future<?> result : results) {
      try {
        result.get();
      } catch (ExecutionException e) {
        failures.add(e.getCause().getMessage());
      }
    }
    assertThat(failures).containsExactly("refused g7");
  }

  @Test
  void aFailedCallFailsEveryMessageOfItsBatchWithTheClassifiedError() {
    publisher = new BatchingAnalyticsPublisher(batch -> {
      throw EffectFailure.retryable("SNS unreachable", null);
    }, 2, Duration.ofMillis(5), Duration.ofSeconds(10));
    assertThatThrownBy(() -> publisher.publish(message("g", "{}"))).isInstanceOf(EffectFailure.class)
        .hasMessage("SNS unreachable").matches(EffectFailure::isRetryable);
  }

  @Test
  void batchesStayUnderThePublishBatchByteLimit() throws Exception {
    publisher = new BatchingAnalyticsPublisher(slowSender(), 1, Duration.ofMillis(5), Duration.ofSeconds(30));
    String large = "x".repeat(100_000);
    List<Future<?>> results = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String group = "g" + i;
      results.add(callers.submit(() -> publisher.publish(message(group, large))));
    }
    for (Future<?> result : results) {
      result.get();
    }
    assertThat(batches).allSatisfy(batch -> assertThat(batch.stream().mapToInt(m -> m.body().length()).sum())
        .isLessThanOrEqualTo(BatchingAnalyticsPublisher.MAX_BATCH_BYTES));
    assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(12);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void anErrorOnASenderThreadFailsItsCallersAtOnceAndReachesTheThreadsHandler() throws Exception {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> uncaught.add(failure));
    try {
      publisher = new BatchingAnalyticsPublisher(batch -> {
        throw new NoClassDefFoundError("injected");
      }, 2, Duration.ofMillis(1), Duration.ofSeconds(30));
      long started = System.nanoTime();
      Future<?> result = callers.submit(() -> publisher.publish(message("g", "{}")));

      assertThat(catchThrowable(() -> result.get(5, TimeUnit.SECONDS)))
          .hasRootCauseInstanceOf(NoClassDefFoundError.class).hasMessageContaining("analytics sender failed");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not after the 30 s call timeout")
          .isLessThan(Duration.ofSeconds(5));
      for (int wait = 0; wait < 50 && uncaught.isEmpty(); wait++) {
        Thread.sleep(100); // the handler runs as the sender thread dies, just after the callers were failed
      }
      assertThat(uncaught).singleElement().isInstanceOf(NoClassDefFoundError.class);
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
  }
}
