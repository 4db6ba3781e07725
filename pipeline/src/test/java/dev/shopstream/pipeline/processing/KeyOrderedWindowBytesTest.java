package dev.shopstream.pipeline.processing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The window is bounded by the bytes it holds as well as by count: big records wait for room. */
class KeyOrderedWindowBytesTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    pool.shutdownNow();
  }

  /** Items are "key:bytes"; their work waits until released. */
  private KeyOrderedWindow<String> window(long maxBytes) {
    return new KeyOrderedWindow<>(100, maxBytes, item -> Long.parseLong(item.split(":")[1]), item -> item.split(":")[0],
        item -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
          return true;
        }, pool, failure -> { }, Clock.systemUTC());
  }

  @Test
  void itemsBeyondTheByteBoundWaitForRoomThoughTheCountBoundIsFarOff() throws Exception {
    KeyOrderedWindow<String> window = window(1000);
    assertThat(window.offer("a:400", Duration.ZERO)).isTrue();
    assertThat(window.offer("b:400", Duration.ZERO)).isTrue();
    assertThat(window.offer("c:400", Duration.ofMillis(50))).as("1,200 bytes > 1,000").isFalse();
    assertThat(window.offer("d:200", Duration.ZERO)).as("exactly at the bound").isTrue();
    assertThat(window.heldBytes()).isEqualTo(1000);

    release.countDown();
    assertThat(window.offer("c:400", Duration.ofSeconds(5))).as("room once handled below the watermark").isTrue();
    assertThat(window.awaitQuiet(Duration.ofSeconds(5))).isTrue();
    assertThat(window.heldBytes()).isZero();
  }

  @Test
  void anItemLargerThanTheBoundIsTakenAloneOnceTheWindowIsEmpty() throws Exception {
    KeyOrderedWindow<String> window = window(1000);
    assertThat(window.offer("a:10", Duration.ZERO)).isTrue();
    assertThat(window.offer("big:5000", Duration.ofMillis(50))).as("not beside another").isFalse();
    release.countDown();
    assertThat(window.offer("big:5000", Duration.ofSeconds(5))).as("alone").isTrue();
  }
}
