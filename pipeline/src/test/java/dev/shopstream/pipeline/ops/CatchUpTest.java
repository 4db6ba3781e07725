package dev.shopstream.pipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.pipeline.processing.ShardProgress;
import dev.shopstream.local.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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

  {
    progress.engine("s-1", pending::get);
  }

  private Optional<CatchUp.Reason> reached() {
    return catchUp.reached(progress.snapshot().get(0), clock.instant());
  }

  private double fraction() {
    return catchUp.fraction(progress.snapshot().get(0), clock.instant());
  }

  @Test
  void emptyPagesBeforeTheRecordsAreNotTheEnd() {
    progress.batch("s-1", null, true);
    progress.batch("s-1", null, true);
    clock.advance(Duration.ofSeconds(5));
    progress.batch("s-1", null, true);
    assertThat(reached()).isEmpty();

    progress.batch("s-1", null, false);
    progress.handled("s-1", START.minus(Duration.ofHours(3)), 1000);
    clock.advance(Duration.ofSeconds(29));
    progress.batch("s-1", null, true);
    clock.advance(Duration.ofSeconds(29));
    assertThat(reached()).as("records came after the first empty pages: the quiet period starts again").isEmpty();
  }

  @Test
  void readingPastARecordWrittenAfterTheStartIsProof() {
    progress.handled("s-1", START.minus(Duration.ofHours(2)), 10);
    progress.batch("s-1", null, false);
    assertThat(reached()).isEmpty();

    progress.handled("s-1", Instant.parse("2026-11-27T12:00:00Z"), 10);
    assertThat(reached()).as("same second as the start: may have been written before it").isEmpty();

    progress.handled("s-1", Instant.parse("2026-11-27T12:00:01Z"), 1);
    pending.set(new ShardProgress.Pending(START, clock.instant()));
    assertThat(reached()).as("something is still in flight").isEmpty();
    pending.set(null);
    assertThat(reached()).contains(CatchUp.Reason.PASSED_START);
  }

  @Test
  void aQuietPeriodOfEmptyPollsIsTakenAsTheOpenEnd() {
    progress.handled("s-1", START.minus(Duration.ofMinutes(10)), 5);
    progress.batch("s-1", null, false);
    progress.batch("s-1", null, true);
    clock.advance(Duration.ofSeconds(29));
    progress.batch("s-1", null, true);
    assertThat(reached()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(reached()).contains(CatchUp.Reason.QUIET);
  }

  @Test
  void theEndOfAClosedShardIsTheEnd() {
    progress.ended("s-1");
    assertThat(reached()).contains(CatchUp.Reason.SHARD_END);
  }

  @Test
  void theBarFollowsThePositionRead() {
    progress.handled("s-1", START.minus(Duration.ofHours(4)), 1);
    progress.batch("s-1", null, false);
    assertThat(fraction()).isZero();
    progress.handled("s-1", START.minus(Duration.ofHours(3)), 1);
    assertThat(fraction()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.001));
    progress.handled("s-1", START.minus(Duration.ofHours(1)), 1);
    assertThat(fraction()).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.001));
    progress.handled("s-1", START.plusSeconds(1), 1);
    assertThat(fraction()).isEqualTo(1.0);
  }
}
