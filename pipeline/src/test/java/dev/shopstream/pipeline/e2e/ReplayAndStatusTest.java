package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.testkit.ShopItems;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.dlq.DeadLetterCodec;
import dev.shopstream.pipeline.dlq.DeadLetterRedrive;
import dev.shopstream.pipeline.replay.Replay;
import dev.shopstream.pipeline.fleet.FleetReader;
import dev.shopstream.pipeline.fleet.FleetView;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.pipeline.testing.RecordingHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Replay of a stream that already holds 3,001 records (one of them rejected) into the analytics
 * handler, under its own application name, while the live worker's checkpoint stays where it is; the
 * rejected record is counted, not parked a second time; a dry run counts without sending; names of the
 * live worker's tables and existing tables are refused; status shows the live worker's shard, owner,
 * checkpoint and lag.
 */
@Tag("e2e")
class ReplayAndStatusTest {
  private static final int PROFILES = 2500;
  private static final int ORDERS = 500;
  private static final Duration QUIET = Duration.ofSeconds(3);

  @Test
  void aReplayReachesAnalyticsInFullStopsByItselfAndLeavesTheLiveWorkerAlone() throws Exception {
    try (LocalShopStack stack = LocalWorkers.stack()) {
      writeHistory(stack);
      Map<String, String> env = stack.workerEnvironment("live");
      env.put("SHOP_HANDLERS", "recorder");
      RecordingHandler live = new RecordingHandler("recorder");
      String liveCheckpoint;
      DeadLetterRedrive dlq = new DeadLetterRedrive(stack.sqs, stack.deadLetterQueueUrl,
          new DeadLetterCodec(new ObjectMapper()));
      try (ShopStreamWorker worker = LocalWorkers.start(env, live)) {
        await().atMost(Duration.ofSeconds(150)).until(() -> dlq.depth() == 1);
        await().atMost(Duration.ofSeconds(150)).until(() -> live.handled().size() >= PROFILES + ORDERS);
        // records of different keys finish in any order: the checkpoint reaches the highest sequence number
        await().atMost(Duration.ofSeconds(20)).until(() -> checkpoint(stack, "live") != null
            && checkpoint(stack, "live").equals(live.handled().stream().map(e -> e.metadata().source().sequenceNumber())
                .max(Comparator.comparing(BigInteger::new)).orElseThrow()));
        liveCheckpoint = checkpoint(stack, "live");

        var probe = LocalWorkers.commands(stack);
        // the worker reports its shard's lag into the lease every SHOP_FLEET_VIEW_MILLIS (15 s by default)
        FleetReader status = probe.fleet("live");
        String checkpointed = liveCheckpoint;
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() ->
            assertThat(status.read(List.of()).shards()).singleElement().satisfies(shard -> {
              assertThat(shard.owner()).startsWith("test-worker-");
              assertThat(shard.holding()).isEqualTo(FleetView.Holding.HELD);
              assertThat(shard.checkpoint()).isEqualTo(checkpointed);
              assertThat(shard.lag()).isZero();
              assertThat(shard.lagSource()).isEqualTo(FleetView.LagSource.HOLDER);
            }));

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CompositionRoot commands = LocalWorkers.root(stack.workerEnvironment("live"));
        Replay.Summary summary = commands.replay(new Replay.Options("live-replay-1", List.of("analytics"), false, null,
            Set.of(), false, Duration.ofMinutes(5), false, QUIET), new PrintStream(printed, true,
            StandardCharsets.UTF_8));

        var analytics = stack.analyticsTap.awaitAtLeast(PROFILES + ORDERS, Duration.ofSeconds(30));
        ObjectMapper json = new ObjectMapper();
        Set<String> replayedIds = new HashSet<>();
        for (var message : analytics) {
          replayedIds.add(json.readTree(message.body()).get("id").asText());
        }
        assertThat(replayedIds).isEqualTo(live.handled().stream().map(DomainEvent::eventId)
            .collect(Collectors.toSet()));
        assertThat(summary.caughtUp()).isTrue();
        assertThat(summary.records()).isEqualTo(PROFILES + ORDERS + 1);
        assertThat(summary.deadLetters()).isEqualTo(Map.of("REJECTED_RECORD", 1L));
        assertThat(summary.undeliveredEvents()).isZero();
        assertThat(dlq.depth()).as("the rejected record is not parked a second time").isEqualTo(1);
        assertThat(summary.caughtUpBy()).hasSize(1)
            .allSatisfy((shard, how) -> assertThat(how).contains("quiet period"));
        assertThat(summary.eventsByType()).containsEntry("user-registered", (long) PROFILES)
            .containsEntry("order-placed", (long) ORDERS);
        assertThat(summary.tablesRemoved()).isTrue();
        assertThat(stack.dynamo.listTables().tableNames()).noneMatch(name -> name.startsWith("live-replay-1"));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("(caught up: ", "records",
            "replay complete: 3,001 records");
        assertThat(stack.ses.sentEmails()).as("email was not asked for").isEmpty();
        assertThat(checkpoint(stack, "live")).as("the live worker's checkpoint").isEqualTo(liveCheckpoint);

        Replay.Summary dryRun = commands.replay(new Replay.Options("live-replay-2", List.of("analytics"), true, null,
            Set.of(), true, Duration.ofMinutes(5), false, QUIET), new PrintStream(new ByteArrayOutputStream()));
        assertThat(dryRun.eventsByType()).containsEntry("user-registered", (long) PROFILES);
        assertThat(dryRun.handlerResults()).containsOnlyKeys("dry-run/done");
        assertThat(stack.analyticsTap.drain()).as("a dry run sends nothing").hasSize(PROFILES + ORDERS);
        assertThat(stack.dynamo.listTables().tableNames()).contains("live-replay-2");
        assertThat(live.handled()).as("the live worker saw every record once").hasSize(PROFILES + ORDERS);

        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        for (String liveTable : List.of("live", LocalShopStack.TABLE, LocalShopStack.IDEMPOTENCY_TABLE)) {
          assertThatThrownBy(() -> commands.replay(new Replay.Options(liveTable,
              List.of("analytics"), true, null, Set.of(), false, Duration.ofMinutes(1)), quiet))
              .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start with 'live-replay-'");
        }
        assertThatThrownBy(() -> commands.replay(new Replay.Options("live-replay-2",
            List.of("analytics"), true, null, Set.of(), false, Duration.ofMinutes(1)), quiet))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exist already");
        assertThat(stack.dynamo.listTables().tableNames()).as("nothing it did not create is deleted")
            .contains("live", "live-replay-2", LocalShopStack.TABLE, LocalShopStack.IDEMPOTENCY_TABLE);
      }
    }
  }

  private static String checkpoint(LocalShopStack stack, String application) {
    var items = stack.dynamo.scan(r -> r.tableName(application)).items();
    return items.isEmpty() || !items.get(0).containsKey("checkpoint") ? null : items.get(0).get("checkpoint").s();
  }

  private static void writeHistory(LocalShopStack stack) {
    Map<String, AttributeValue> vase = new HashMap<>(
        ShopItems.product("vase", "Vase", new BigDecimal("12.00"), 3));
    vase.put("stock", AttributeValue.fromS("many"));
    stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(vase));
    List<WriteRequest> writes = new ArrayList<>();
    for (int i = 0; i < PROFILES; i++) {
      writes.add(put(ShopItems.profile("u" + i, "u" + i + "@example.com", "User " + i)));
    }
    for (int i = 0; i < ORDERS; i++) {
      writes.add(put(ShopItems.order("u" + i, "2026-11-27", "o" + i, "PLACED", "EUR", "u" + i + "@example.com",
          List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))))));
    }
    for (int from = 0; from < writes.size(); from += 25) {
      List<WriteRequest> batch = writes.subList(from, Math.min(from + 25, writes.size()));
      var unprocessed = stack.dynamo.batchWriteItem(r -> r.requestItems(Map.of(LocalShopStack.TABLE, batch)))
          .unprocessedItems();
      assertThat(unprocessed).isEmpty();
    }
  }

  private static WriteRequest put(Map<String, AttributeValue> item) {
    return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
  }
}
