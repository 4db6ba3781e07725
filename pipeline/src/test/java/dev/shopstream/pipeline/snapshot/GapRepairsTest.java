package dev.shopstream.pipeline.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.StateVersion;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.testing.ExportFixtures;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.testkit.ShopItems;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The REPAIR policy's repairs against the local S3 (where the pending repairs live) and the analytics FIFO topic,
 * with incremental exports in AWS's real layout written into S3 by the test (moto has no incremental export; the
 * export service is the one part stood in for, behind {@link GapRepairs.Exports}).
 */
@Tag("integration")
class GapRepairsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "shop-repair-exports";
  private static LocalShopStack stack;
  private static S3Client s3;
  private static CompositionRoot root;
  private static Snapshot snapshot;
  private static final AtomicInteger folders = new AtomicInteger();

  private final List<GapRepairWindows.Window> requested = new ArrayList<>();
  private final Map<String, Optional<Instant>> handledThrough = new HashMap<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Instant earliestRestorable = Instant.now().minus(Duration.ofDays(35));
  private RuntimeException exportFailure;
  private GapRepairJobs jobs;

  @BeforeAll
  static void start() {
    stack = LocalWorkers.stack();
    s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), stack.moto.endpoint());
    s3.createBucket(r -> r.bucket(BUCKET));
    root = LocalWorkers.root(stack.workerEnvironment("gap-repair-test"));
    snapshot = root.snapshot(false, new PrintStream(OutputStream.nullOutputStream()));
  }

  @AfterAll
  static void stop() {
    if (root != null) {
      root.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @BeforeEach
  void attachLogs() {
    jobs = new GapRepairJobs(s3, BUCKET, "shop-stream-repairs/gap-repair-test-" + folders.incrementAndGet());
    logs.start();
    ((Logger) LoggerFactory.getLogger(GapRepairs.class)).addAppender(logs);
  }

  @AfterEach
  void detachLogs() {
    ((Logger) LoggerFactory.getLogger(GapRepairs.class)).detachAppender(logs);
  }

  /** Each requested window gets an export in AWS's layout: the lamp restocked, the order deleted. */
  private final GapRepairs.Exports exports = new GapRepairs.Exports() {
    @Override
    public Instant earliestRestorable() {
      return earliestRestorable;
    }

    @Override
    public ExportLocation incremental(Instant from, Instant to) {
      if (exportFailure != null) {
        throw exportFailure;
      }
      requested.add(new GapRepairWindows.Window(from, to));
      String exportRoot = "shop-stream-repairs/gap-repair-test/exports/AWSDynamoDB/0" + to.toEpochMilli() + "-"
          + folders.incrementAndGet() + "/";
      ExportFixtures.putIncremental(s3, BUCKET, exportRoot, from, to, List.of(
          ExportFixtures.incrementalLine(ShopItems.key("PRODUCT#lamp-g", "META"),
              ShopItems.product("lamp-g", "Lamp", BigDecimal.TEN, 7),
              ShopItems.product("lamp-g", "Lamp", BigDecimal.TEN, 0), from.plusSeconds(60)),
          ExportFixtures.incrementalLine(ShopItems.key("USER#ada-g", "ORDER#2026-12-01#o-1"), null,
              ShopItems.order("ada-g", "2026-12-01", "o-1", "PLACED", "EUR", "ada@example.com",
                  List.of(new ShopItems.Line("p", "P", 1, BigDecimal.ONE))), from.plusSeconds(90))));
      return root.tableExports().byS3Uri("s3://" + BUCKET + "/" + exportRoot, null, root.snapshotCheckpointName());
    }
  };

  private GapRepairs repairs(Set<String> liveWorkers) {
    return new GapRepairs(jobs, exports, snapshot, root::snapshotCheckpoint,
        shard -> handledThrough.getOrDefault(shard, Optional.empty()), () -> liveWorkers, "worker-a", Clock.systemUTC(),
        registry);
  }

  private double outcome(String outcome) {
    return registry.get("shop.stream.gap.repairs").tag("outcome", outcome).counter().count();
  }

  private static List<JsonNode> statesOf(List<Message> messages, String subject) {
    List<JsonNode> states = new ArrayList<>();
    for (Message message : messages) {
      try {
        JsonNode state = JSON.readTree(message.body());
        if (state.path("subject").asText().equals(subject)) {
          states.add(state);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return states;
  }

  @Test
  void aGapIsWrittenDownThenRepairedFromIncrementalExportsAsOfEachWindowsEnd() {
    Instant through = Instant.now().minus(Duration.ofHours(30));
    handledThrough.put("shardId-1", Optional.of(through));
    handledThrough.put("shardId-2", Optional.of(through.plus(Duration.ofHours(2))));
    GapRepairs repairs = repairs(Set.of("worker-a"));
    stack.analyticsStateTap.drain();

    repairs.gapFound("shardId-2");
    repairs.gapFound("shardId-1");

    assertThat(jobs.pending()).extracting(GapRepairJobs.Job::shardId).as("oldest gap first")
        .containsExactly("shardId-1", "shardId-2");
    assertThat(jobs.pending().get(0).from())
        .isEqualTo(through.minus(GapRepairs.MARGIN).truncatedTo(ChronoUnit.SECONDS));
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    assertThat(repairs.runOnce()).as("both gaps repaired together").isEqualTo(2);

    assertThat(requested).as("30 h 5 min in windows of at most 24 h, from the older gap's start to now").hasSize(2);
    assertThat(requested.get(0).from()).isEqualTo(through.minus(GapRepairs.MARGIN).truncatedTo(ChronoUnit.SECONDS));
    assertThat(requested.get(1).to()).isBetween(before, Instant.now());
    List<Message> published = stack.analyticsStateTap.awaitAtLeast(4, Duration.ofSeconds(30));
    List<JsonNode> lamp = statesOf(published, "PRODUCT#lamp-g/META");
    assertThat(lamp).extracting(state -> state.at("/data/version").asText()).as("one state per window, as of its end")
        .containsExactlyInAnyOrder(StateVersion.ofSnapshot(requested.get(0).to()).toString(),
            StateVersion.ofSnapshot(requested.get(1).to()).toString());
    assertThat(lamp).allSatisfy(state -> assertThat(state.at("/data/state/stock").asLong()).isEqualTo(7));
    assertThat(statesOf(published, "USER#ada-g/ORDER#2026-12-01#o-1"))
        .allSatisfy(state -> assertThat(state.at("/data/deleted").asBoolean()).isTrue()).hasSize(2);
    assertThat(jobs.pending()).as("done repairs are deleted").isEmpty();
    assertThat(outcome("repaired")).isEqualTo(2.0);
    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(line -> line.contains("gap repair of shard(s) [shardId-1, shardId-2] done: 4 state(s) published"));
    assertThat(repairs.runOnce()).as("nothing left").isZero();
  }

  @Test
  void aRepairClaimedByALiveWorkerIsLeftToItOneOfAWorkerGoneIsTakenOver() {
    handledThrough.put("shardId-3", Optional.of(Instant.now().minus(Duration.ofHours(2))));
    repairs(Set.of("worker-a")).gapFound("shardId-3");
    jobs.claim(jobs.pending().get(0), "worker-b", Instant.now());

    assertThat(repairs(Set.of("worker-a", "worker-b")).runOnce()).as("worker-b is alive: its repair").isZero();
    assertThat(requested).isEmpty();
    assertThat(jobs.pending()).singleElement().extracting(GapRepairJobs.Job::claimedBy).isEqualTo("worker-b");

    assertThat(repairs(Set.of("worker-a")).runOnce()).as("worker-b holds no lease any more").isEqualTo(1);
    assertThat(requested).singleElement().satisfies(window -> assertThat(Duration.between(window.from(), window.to()))
        .isBetween(Duration.ofHours(2).plus(GapRepairs.MARGIN),
            Duration.ofHours(2).plus(GapRepairs.MARGIN).plusSeconds(5)));
    assertThat(jobs.pending()).isEmpty();
  }

  @Test
  void aFailedExportLeavesTheRepairWrittenDownUntilATryThatSucceeds() {
    handledThrough.put("shardId-4", Optional.of(Instant.now().minus(Duration.ofHours(1))));
    GapRepairs repairs = repairs(Set.of("worker-a"));
    repairs.gapFound("shardId-4");
    exportFailure = new SnapshotInputException("export arn:aws:dynamodb:x failed: UNKNOWN: boom");

    assertThatThrownBy(repairs::runOnce).hasMessageContaining("boom");
    assertThat(jobs.pending()).singleElement().satisfies(job -> assertThat(job.claimedBy()).isEqualTo("worker-a"));

    exportFailure = null;
    assertThat(repairs.runOnce()).isEqualTo(1);
    assertThat(jobs.pending()).isEmpty();
  }

  @Test
  void whatCannotBeRepairedIsDataLossSaidOnceAndNotRetriedForEver() {
    GapRepairs repairs = repairs(Set.of("worker-a"));
    repairs.gapFound("shardId-never-reported");
    assertThat(jobs.pending()).isEmpty();
    assertThat(outcome("unrepairable")).isEqualTo(1.0);

    handledThrough.put("shardId-5", Optional.of(Instant.now().minus(Duration.ofHours(3))));
    repairs.gapFound("shardId-5");
    earliestRestorable = null; // point-in-time recovery switched off since
    assertThat(repairs.runOnce()).isEqualTo(1);
    assertThat(requested).isEmpty();
    assertThat(jobs.pending()).as("a refused repair is not tried again").isEmpty();
    assertThat(outcome("refused")).isEqualTo(1.0);
    assertThat(logs.list).filteredOn(event -> event.getLevel().toString().equals("ERROR"))
        .extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
            line -> assertThat(line).startsWith("DATA LOSS: gap repair of shard shardId-never-reported impossible")
                .contains("shop-stream snapshot --bucket"),
            line -> assertThat(line).startsWith("DATA LOSS: gap repair of shard(s) [shardId-5] refused: point-in-time "
                + "recovery is off"));
  }
}
