package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterCodec;
import dev.shopstream.pipeline.dlq.DeadLetterRedrive;
import dev.shopstream.pipeline.testing.ShopWorkerExtension;
import dev.shopstream.pipeline.testing.StockChangeRecorder;
import dev.shopstream.testkit.ShopItems;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The engine's order property end to end on the local stack, with the default in-flight window:
 * 200 products x 50 stock changes written in one burst, a handler answering after a random 0-20 ms
 * and failing permanently for some changes. Every product's changes reach it in stream order, exactly
 * the failing ones are dead-lettered, and the checkpoint reaches the stream's last record.
 */
@Tag("e2e")
class KeyOrderEndToEndTest {
  private static final int PRODUCTS = 200;
  private static final int CHANGES = 50;
  private static final Set<String> POISONED = poisoned();
  private static final StockChangeRecorder recorder = new StockChangeRecorder(POISONED);

  @RegisterExtension
  static final ShopWorkerExtension shop = ShopWorkerExtension.worker("e2e-key-order", recorder,
      StockChangeRecorder.NAME);

  @Test
  void eachProductsChangesArriveInStreamOrderAndExactlyTheFailingOnesAreParked() {
    LocalShopStack stack = shop.stack();
    for (int stock = 0; stock <= CHANGES; stock++) {
      List<WriteRequest> round = new ArrayList<>();
      for (int p = 0; p < PRODUCTS; p++) {
        round.add(WriteRequest.builder().putRequest(PutRequest.builder()
            .item(ShopItems.product("p" + p, "Product " + p, new BigDecimal("10"), stock)).build()).build());
      }
      for (int from = 0; from < round.size(); from += 25) {
        Map<String, List<WriteRequest>> pending = Map.of(LocalShopStack.TABLE, round.subList(from, from + 25));
        while (!pending.isEmpty()) {
          Map<String, List<WriteRequest>> left = pending;
          pending = stack.dynamo.batchWriteItem(r -> r.requestItems(left)).unprocessedItems();
        }
      }
    }
    int total = PRODUCTS * (CHANGES + 1);
    await().atMost(Duration.ofMinutes(4)).until(() -> recorder.attempted() >= total);

    for (int p = 0; p < PRODUCTS; p++) {
      List<Long> expected = new ArrayList<>();
      for (long stock = 0; stock <= CHANGES; stock++) {
        if (!POISONED.contains("p" + p + "@" + stock)) {
          expected.add(stock);
        }
      }
      assertThat(recorder.seen("p" + p)).as("p" + p).containsExactlyElementsOf(expected);
    }
    DeadLetterRedrive dlq = new DeadLetterRedrive(stack.sqs, stack.deadLetterQueueUrl,
        new DeadLetterCodec(new ObjectMapper()));
    await().atMost(Duration.ofSeconds(30)).until(() -> dlq.depth() >= POISONED.size());
    List<DeadLetter> letters = dlq.list(POISONED.size() + 10).stream().map(DeadLetterRedrive.Entry::letter).toList();
    assertThat(letters).allSatisfy(letter ->
        assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY));
    assertThat(letters.stream().map(KeyOrderEndToEndTest::poisonOf).collect(Collectors.toSet()))
        .as("exactly the failing changes are dead-lettered").isEqualTo(POISONED).hasSize(letters.size());

    String last = recorder.highestSequenceNumber();
    await().atMost(Duration.ofSeconds(30)).until(() -> last.equals(checkpoint(stack)));
  }

  private static String checkpoint(LocalShopStack stack) {
    var items = stack.dynamo.scan(r -> r.tableName("e2e-key-order")).items();
    return items.isEmpty() || !items.get(0).containsKey("checkpoint") ? null : items.get(0).get("checkpoint").s();
  }

  private static String poisonOf(DeadLetter letter) {
    var image = letter.record().dynamodb().newImage();
    return image.get("PK").s().substring("PRODUCT#".length()) + "@" + image.get("stock").n();
  }

  private static Set<String> poisoned() {
    Random random = new Random(7);
    Set<String> poisoned = new HashSet<>();
    while (poisoned.size() < 20) {
      poisoned.add("p" + random.nextInt(PRODUCTS) + "@" + (1 + random.nextInt(CHANGES)));
    }
    return Collections.unmodifiableSet(poisoned);
  }
}
