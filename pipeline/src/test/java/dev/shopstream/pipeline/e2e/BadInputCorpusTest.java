package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.testkit.ShopItems;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterCodec;
import dev.shopstream.pipeline.dlq.DeadLetterRedrive;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.pipeline.testing.RecordingHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A corpus of malformed and hostile items through the real worker (email, analytics and a recorder):
 * wrong types, missing attributes, items near the 400 KB limit, unicode edge cases, unknown entity
 * types, numbers at DynamoDB's precision limits. No crash; every record yields its events, lands in
 * the dead-letter queue with a reason, or (unknown shapes only) is counted as unrecognized.
 */
@Tag("e2e")
class BadInputCorpusTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Fate { EVENTS, DEAD_LETTER, UNRECOGNIZED }

  record Case(String name, Map<String, AttributeValue> item, Set<Fate> fates) {
    EntityKey key() {
      return new EntityKey(item.get("PK").s(), item.get("SK").s());
    }
  }

  private static Map<String, AttributeValue> with(Map<String, AttributeValue> item, Object... pairs) {
    Map<String, AttributeValue> copy = new HashMap<>(item);
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        copy.remove((String) pairs[i]);
      } else {
        copy.put((String) pairs[i], (AttributeValue) pairs[i + 1]);
      }
    }
    return copy;
  }

  private static Map<String, AttributeValue> order(String orderId) {
    return ShopItems.order("u-bad", "2026-11-27", orderId, "PLACED", "EUR", "bad@example.com",
        List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))));
  }

  private static String random(int length, long seed) {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('!' + random.nextInt(90)));
    }
    return text.toString();
  }

  private static List<Case> corpus() {
    AttributeValue s = AttributeValue.fromS("x");
    Set<Fate> events = EnumSet.of(Fate.EVENTS);
    Set<Fate> dead = EnumSet.of(Fate.DEAD_LETTER);
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("stock as a string", with(ShopItems.product("c1", "Vase", BigDecimal.ONE, 0),
        "stock", AttributeValue.fromS("three")), dead));
    cases.add(new Case("stock as a boolean", with(ShopItems.product("c2", "Vase", BigDecimal.ONE, 0),
        "stock", AttributeValue.fromBool(true)), dead));
    cases.add(new Case("stock beyond a long (38 digits)", with(ShopItems.product("c3", "Vase", BigDecimal.ONE, 0),
        "stock", AttributeValue.fromN("99999999999999999999999999999999999999")), dead));
    cases.add(new Case("negative stock (a backorder, valid)", with(ShopItems.product("c4", "Vase", BigDecimal.ONE, 0),
        "stock", AttributeValue.fromN("-1")), events));
    cases.add(new Case("fractional stock at the precision limit",
        with(ShopItems.product("c5", "Vase", BigDecimal.ONE, 0),
        "stock", AttributeValue.fromN("1.0000000000000000000000000000000000001")), dead));
    cases.add(new Case("price at the smallest magnitude", with(ShopItems.product("c6", "Speck", BigDecimal.ONE, 2),
        "price", AttributeValue.fromN("1E-130")), events));
    cases.add(new Case("total at the largest magnitude", with(order("o-huge"),
        "total", AttributeValue.fromN("9.9999999999999999999999999999999999999E+125")), events));
    cases.add(new Case("total as a string", with(order("o-s"), "total", AttributeValue.fromS("10.00")), dead));
    cases.add(new Case("items not a list", with(order("o-m"), "items", AttributeValue.fromM(Map.of("sku", s))), dead));
    cases.add(new Case("quantity zero",
        with(order("o-q"), "items", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
        "sku", s, "quantity", AttributeValue.fromN("0"), "unitPrice", AttributeValue.fromN("1")))))), dead));
    cases.add(new Case("currency not ISO", with(order("o-c"), "currency", AttributeValue.fromS("euro")), dead));
    cases.add(new Case("status missing", with(order("o-st"), "status", null), dead));
    cases.add(new Case("order key without order id", with(order("o-k"), "SK", AttributeValue.fromS("ORDER#2026-11-27")),
        dead));
    cases.add(new Case("order key with a non-date",
        with(order("o-d"), "SK", AttributeValue.fromS("ORDER#yesterday#o-d")), dead));
    cases.add(new Case("order id disagreeing with the key", with(order("o-x"), "orderId", AttributeValue.fromS("o-y")),
        dead));
    cases.add(new Case("waitlist entry without contact", ShopItems.key("PRODUCT#c1", "WAITLIST#u-9"), dead));
    cases.add(new Case("profile with unicode edge cases", ShopItems.profile("ü-🛒-\u200F-e\u0301", "zoë+🛒@example.com",
        "\u202Eevil\u202C 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u0000 null"), events));
    cases.add(new Case("profile near the 400 KB limit", with(ShopItems.profile("big", "big@example.com", "Big"),
        "bio", AttributeValue.fromS(random(390_000, 1))), events));
    // SNS takes at most 256 KB: analytics cannot publish this one and dead-letters it; the recorder still gets it
    cases.add(new Case("product name near the 400 KB limit", ShopItems.product("huge", random(380_000, 2),
        BigDecimal.ONE, 3), EnumSet.of(Fate.EVENTS, Fate.DEAD_LETTER)));
    cases.add(new Case("unknown entity: a cart", with(ShopItems.key("USER#u-1", "CART#1"), "skus",
        AttributeValue.fromSs(List.of("a"))),
        EnumSet.of(Fate.UNRECOGNIZED)));
    cases.add(new Case("unknown entity: no prefix", ShopItems.key("settings", "global"),
        EnumSet.of(Fate.UNRECOGNIZED)));
    cases.add(new Case("unknown entity: emoji key", ShopItems.key("🛒#1", "🛒"), EnumSet.of(Fate.UNRECOGNIZED)));
    return cases;
  }

  /** DynamoDB stores numbers normalised ("9.50" comes back as "9.5"): compare them by value. */
  private static Object normalized(Map<String, AttributeValue> item) {
    return item.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> normalized(e.getValue())));
  }

  private static Object normalized(AttributeValue value) {
    return switch (value.type()) {
      case N -> new BigDecimal(value.n()).stripTrailingZeros();
      case M -> normalized(value.m());
      case L -> value.l().stream().map(BadInputCorpusTest::normalized).toList();
      default -> value;
    };
  }

  @Test
  void everyRecordYieldsItsEventsOrIsDeadLetteredWithAReasonAndNothingIsDropped() throws Exception {
    List<Case> corpus = corpus();
    RecordingHandler recorder = new RecordingHandler("recorder");
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (LocalShopStack stack = LocalWorkers.stack()) {
      Map<String, String> env = stack.workerEnvironment("bad-input");
      env.put("SHOP_HANDLERS", "email,analytics,recorder");
      try (ShopStreamWorker worker = LocalWorkers.start(env, recorder, metrics)) {
        for (Case c : corpus) {
          stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(c.item()));
        }
        stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(ShopItems.profile("sentinel",
            "s@example.com", "S")));
        // keys run concurrently: the sentinel may be handled before the corpus; wait until every record is counted
        await().atMost(Duration.ofSeconds(150)).until(() -> recorder.handled().stream()
            .anyMatch(e -> e.metadata().entityKey().partitionKey().equals("USER#sentinel"))
            && metrics.find("shop.stream.records").counters().stream().mapToDouble(c -> c.count()).sum()
                >= corpus.size() + 1);
        assertThat(worker.isRunning()).isTrue();
      }

      Map<EntityKey, List<DeadLetter>> parked = new DeadLetterRedrive(stack.sqs, stack.deadLetterQueueUrl,
          new DeadLetterCodec(JSON)).list(100).stream().map(DeadLetterRedrive.Entry::letter)
          .collect(Collectors.groupingBy(l -> new EntityKey(l.record().dynamodb().keys().get("PK").s(),
              l.record().dynamodb().keys().get("SK").s())));
      Set<EntityKey> withEvents = recorder.handled().stream().map(e -> e.metadata().entityKey())
          .collect(Collectors.toSet());
      int unrecognized = 0;
      for (Case c : corpus) {
        assertThat(withEvents.contains(c.key())).as("%s yields events", c.name())
            .isEqualTo(c.fates().contains(Fate.EVENTS));
        assertThat(parked.containsKey(c.key())).as("%s is dead-lettered", c.name())
            .isEqualTo(c.fates().contains(Fate.DEAD_LETTER));
        if (c.fates().contains(Fate.DEAD_LETTER)) {
          assertThat(parked.get(c.key())).allSatisfy(letter -> {
            assertThat(letter.errorMessage()).as(c.name()).isNotBlank();
            assertThat(normalized(letter.record().dynamodb().newImage())).as("%s kept whole", c.name())
                .isEqualTo(normalized(c.item()));
          });
        }
        unrecognized += c.fates().contains(Fate.UNRECOGNIZED) ? 1 : 0;
      }
      assertThat(metrics.get("shop.stream.records").tag("outcome", "unrecognized").counter().count())
          .isEqualTo(unrecognized);
      double counted = metrics.find("shop.stream.records").counters().stream().mapToDouble(c -> c.count()).sum();
      assertThat(counted).as("every record was counted under some outcome").isEqualTo(corpus.size() + 1);
    }
  }
}
