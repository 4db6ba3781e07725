package dev.shopstream.pipeline.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.pipeline.processing.ShardProgress;
import dev.shopstream.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * "Caught up" for a replay's shard: an empty poll is not the end (DynamoDB Streams returns empty pages
 * before an open shard's records); reading past a record written after the start is; a closed shard's
 * end is; a quiet period of empty polls is taken as the open end. The bar follows the position read.
 */
class CatchUpTest {
  private static final Instant START = Instant.parse("2026-11-27T12:00:00.400Z");
  private final ManualClock clock = new ManualClock(START);
  private final ShardProgress progress = new ShardProgress(new SimpleMeterRegistry(), clock);
  private final AtomicReference<ShardProgress.Pending> pending = new AtomicReference<>();
  private final CatchUp catchUp = new CatchUp(START, Duration.ofSeconds(30));

  private final ShardProgress.Tracker shard = progress.track("s-1", pending::get);

  private Optional<CatchUp.Reason> reached() {
    return catchUp.reached(progress.snapshot().get(0), clock.instant());
  }

  private double fraction() {
    return catchUp.fraction(progress.snapshot().get(0), clock.instant());
  }

  @Test
  void emptyPagesBeforeTheRecordsAreNotTheEnd() {
    shard.batch(null, true);
    shard.batch(null, true);
    clock.advance(Duration.ofSeconds(5));
    shard.batch(null, true);
    assertThat(reached()).isEmpty();

    shard.batch(null, false);
    shard.handled(START.minus(Duration.ofHours(3)), 1000);
    clock.advance(Duration.ofSeconds(29));
    shard.batch(null, true);
    clock.advance(Duration.ofSeconds(29));
    assertThat(reached()).as("records came after the first empty pages: the quiet period starts again").isEmpty();
  }

  @Test
  void readingPastARecordWrittenAfterTheStartIsProof() {
    shard.handled(START.minus(Duration.ofHours(2)), 10);
    shard.batch(null, false);
    assertThat(reached()).isEmpty();

    shard.handled(Instant.parse("2026-11-27T12:00:00Z"), 10);
    assertThat(reached()).as("same second as the start: may have been written before it").isEmpty();

    shard.handled(Instant.parse("2026-11-27T12:00:01Z"), 1);
    pending.set(new ShardProgress.Pending(START, clock.instant()));
    assertThat(reached()).as("something is still in flight").isEmpty();
    pending.set(null);
    assertThat(reached()).contains(CatchUp.Reason.PASSED_START);
  }

  @Test
  void aQuietPeriodOfEmptyPollsIsTakenAsTheOpenEnd() {
    shard.handled(START.minus(Duration.ofMinutes(10)), 5);
    shard.batch(null, false);
    shard.batch(null, true);
    clock.advance(Duration.ofSeconds(29));
    shard.batch(null, true);
    assertThat(reached()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(reached()).contains(CatchUp.Reason.QUIET);
  }

  @Test
  void theEndOfAClosedShardIsTheEnd() {
    shard.ended();
    assertThat(reached()).contains(CatchUp.Reason.SHARD_END);
  }

  @Test
  void theBarFollowsThePositionRead() {
    shard.handled(START.minus(Duration.ofHours(4)), 1);
    shard.batch(null, false);
    assertThat(fraction()).isZero();
    shard.handled(START.minus(Duration.ofHours(3)), 1);
    assertThat(fraction()).isCloseTo(0.25, Offset.offset(0.001));
    shard.handled(START.minus(Duration.ofHours(1)), 1);
    assertThat(fraction()).isCloseTo(0.75, Offset.offset(0.001));
    shard.handled(START.plusSeconds(1), 1);
    assertThat(fraction()).isEqualTo(1.0);
  }
}
