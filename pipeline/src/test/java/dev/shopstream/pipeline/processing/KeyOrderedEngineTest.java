package dev.shopstream.pipeline.processing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.stream.ChangeRecord;
import dev.shopstream.pipeline.testing.StockChangeRecorder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The order property of the record engine (a shard's {@link KeyOrderedWindow} running the
 * {@link RecordProcessor}), with handlers answering after a random 0-20 ms: 200 partition keys x 50
 * changes each in one burst, interleaved at random.
 */
class KeyOrderedEngineTest {
  private static final int KEYS = 200;
  private static final int CHANGES = 50;

  private final ExecutorService pool = Executors.newFixedThreadPool(64);
  private final List<DeadLetter> parked = new CopyOnWriteArrayList<>();
  private final Set<String> handledSequenceNumbers = ConcurrentHashMap.newKeySet();
  private int verifiedUpTo;
  private final List<Throwable> escaped = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void eachKeysEffectsRunInStreamOrderAndTheWatermarkNeverPassesAnUnhandledRecord() throws Exception {
    Random random = new Random(42);
    List<ChangeRecord> burst = burst(random);
    Set<String> poisoned = new HashSet<>();
    while (poisoned.size() < 100) {
      poisoned.add("p" + random.nextInt(KEYS) + "@" + (1 + random.nextInt(CHANGES)));
    }
    StockChangeRecorder handler = new StockChangeRecorder(poisoned);
    RecordProcessor processor = new RecordProcessor(ImageDiffer.standard(Clock.systemUTC()),
        new EventRouter(List.of(handler)), parked::add, new PipelineMetrics(new SimpleMeterRegistry()),
        new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofHours(1)), Pause.SYSTEM,
        Clock.systemUTC());
    Cancellation cancellation = new Cancellation();
    KeyOrderedWindow<ChangeRecord> window = new KeyOrderedWindow<>(64, ChangeRecord::orderingKey, record -> {
      boolean handled = processor.process(record, cancellation) == RecordProcessor.Outcome.HANDLED;
      if (handled) {
        handledSequenceNumbers.add(record.sequenceNumber());
      }
      return handled;
    }, pool, escaped::add, Clock.systemUTC());

    List<String> watermarkViolations = new ArrayList<>();
    int maxHeld = 0;
    for (ChangeRecord record : burst) {
      while (!window.offer(record, Duration.ofMillis(50))) {
        checkWatermark(window, burst, watermarkViolations);
      }
      maxHeld = Math.max(maxHeld, window.size());
      checkWatermark(window, burst, watermarkViolations);
    }
    assertThat(window.awaitQuiet(Duration.ofMinutes(1))).isTrue();

    assertThat(watermarkViolations).isEmpty();
    assertThat(maxHeld).isLessThanOrEqualTo(64);
    assertThat(window.allHandled()).isTrue();
    assertThat(window.watermark()).isSameAs(burst.get(burst.size() - 1));
    assertThat(handler.overlaps()).as("two records of one key ran at once").isZero();
    for (int p = 0; p < KEYS; p++) {
      String product = "p" + p;
      List<Long> expected = new ArrayList<>();
      for (long stock = 1; stock <= CHANGES; stock++) {
        if (!poisoned.contains(product + "@" + stock)) {
          expected.add(stock);
        }
      }
      assertThat(handler.seen(product)).as(product).containsExactlyElementsOf(expected);
    }
    assertThat(parked).allSatisfy(letter ->
        assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY));
    assertThat(parked.stream().map(KeyOrderedEngineTest::poisonOf).collect(Collectors.toSet()))
        .as("exactly the failing events are dead-lettered").isEqualTo(poisoned).hasSize(parked.size());
  }

  @Test
  void aHeldKeyHoldsItsOwnLaterRecordsAndTheWatermarkWhileOtherKeysGoOnUpToTheWindow() throws Exception {
    Cancellation cancellation = new Cancellation();
    CountDownLatch release = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    KeyOrderedWindow<String> window = new KeyOrderedWindow<>(4, item -> item.substring(0, 1), item -> {
      if (item.equals("a1")) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      order.add(item);
      return !cancellation.isCancelled();
    }, pool, escaped::add, Clock.systemUTC());

    for (String item : List.of("a1", "b1", "a2", "c1")) {
      assertThat(window.offer(item, Duration.ofSeconds(1))).isTrue();
    }
    assertThat(window.offer("d1", Duration.ofMillis(200))).as("the window is full: back-pressure").isFalse();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> order.containsAll(List.of("b1", "c1")));
    assertThat(order).doesNotContain("a1", "a2");
    assertThat(window.watermark()).as("nothing before a1 is handled").isNull();

    release.countDown();
    assertThat(window.awaitQuiet(Duration.ofSeconds(5))).isTrue();
    assertThat(order.indexOf("a1")).isLessThan(order.indexOf("a2"));
    assertThat(window.watermark()).isEqualTo("c1");
    assertThat(window.offer("d1", Duration.ofSeconds(1))).isTrue();
  }

  @Test
  void aStoppedRecordFreezesItsKeySoItsLaterRecordsAreNeverStarted() throws Exception {
    List<String> started = new CopyOnWriteArrayList<>();
    KeyOrderedWindow<String> window = new KeyOrderedWindow<>(8, item -> item.substring(0, 1), item -> {
      started.add(item);
      return !item.equals("a1");
    }, pool, escaped::add, Clock.systemUTC());
    for (String item : List.of("b1", "a1", "a2", "b2")) {
      window.offer(item, Duration.ofSeconds(1));
    }
    assertThat(window.awaitQuiet(Duration.ofSeconds(5))).isTrue();

    assertThat(started).containsExactlyInAnyOrder("b1", "a1", "b2");
    assertThat(window.watermark()).isEqualTo("b1");
    assertThat(window.allHandled()).isFalse();
  }

  @Test
  void aWorkThatThrowsLeavesItsRecordUnhandled() throws Exception {
    KeyOrderedWindow<String> window = new KeyOrderedWindow<>(8, item -> item, item -> {
      if (item.equals("x")) {
        throw new StackOverflowError("deep");
      }
      return true;
    }, pool, escaped::add, Clock.systemUTC());
    window.offer("x", Duration.ofSeconds(1));
    window.offer("y", Duration.ofSeconds(1));
    assertThat(window.awaitQuiet(Duration.ofSeconds(5))).isTrue();
    assertThat(window.watermark()).isNull();
    assertThat(window.handledCount()).isEqualTo(1);
    assertThat(escaped).singleElement().isInstanceOf(StackOverflowError.class);
  }

  private void checkWatermark(KeyOrderedWindow<ChangeRecord> window, List<ChangeRecord> burst,
      List<String> violations) {
    ChangeRecord watermark = window.watermark();
    if (watermark == null) {
      return;
    }
    int upTo = Integer.parseInt(watermark.sequenceNumber());
    for (int i = verifiedUpTo + 1; i <= upTo; i++) {
      if (!handledSequenceNumbers.contains(Integer.toString(i))) {
        violations.add("watermark " + upTo + " passed unhandled record " + i);
      }
    }
    verifiedUpTo = Math.max(verifiedUpTo, upTo);
  }

  private static String poisonOf(DeadLetter letter) {
    var image = letter.record().dynamodb().newImage();
    return image.get("PK").s().substring("PRODUCT#".length()) + "@" + image.get("stock").n();
  }

  /** 200 products x 50 stock changes (0 -> 1 -> ... -> 50), each product's in order, interleaved at random. */
  private static List<ChangeRecord> burst(Random random) {
    int[] next = new int[KEYS];
    List<Integer> keys = new ArrayList<>();
    for (int p = 0; p < KEYS; p++) {
      for (int c = 0; c < CHANGES; c++) {
        keys.add(p);
      }
    }
    Collections.shuffle(keys, random);
    List<ChangeRecord> records = new ArrayList<>();
    int sequence = 0;
    for (int p : keys) {
      long stock = ++next[p];
      records.add(ChangeRecord.of(stockChange("p" + p, stock - 1, stock, ++sequence), "shop", "s-1"));
    }
    return records;
  }

  private static Record stockChange(String product, long from, long to, int sequence) {
    Map<String, AttributeValue> key = Map.of("PK", AttributeValue.fromS("PRODUCT#" + product), "SK",
        AttributeValue.fromS("META"));
    Map<String, AttributeValue> before = new HashMap<>(key);
    before.put("stock", AttributeValue.fromN(Long.toString(from)));
    Map<String, AttributeValue> after = new HashMap<>(key);
    after.put("stock", AttributeValue.fromN(Long.toString(to)));
    return Record.builder().eventID("e" + sequence).eventName(OperationType.MODIFY).dynamodb(StreamRecord.builder()
        .sequenceNumber(Integer.toString(sequence)).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
        .approximateCreationDateTime(Instant.parse("2026-11-27T10:00:00Z")).keys(key).oldImage(before).newImage(after)
        .build()).build();
  }
}
