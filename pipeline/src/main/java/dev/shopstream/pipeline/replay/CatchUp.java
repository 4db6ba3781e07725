package dev.shopstream.pipeline.replay;

import dev.shopstream.pipeline.processing.ShardProgress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * When a replay has read a shard to the end the stream had when the replay started. A poll that comes
 * back empty is not that end: DynamoDB Streams may return empty pages (with a next iterator) before the
 * records of an open shard, and an open shard never returns a null iterator. A shard is caught up when
 * nothing of it is in flight and
 * <ol>
 *   <li>its reads passed the start: the latest handled position was written after the replay started
 *       (so every record written before lies behind it), or
 *   <li>its reads reached the end of a closed shard (SHARD_END), or
 *   <li>no record has come for {@code quietPeriod} of polls that all came back empty: taken as the open
 *       end of a shard nobody writes to any more (a judgement, said as such in the summary).
 * </ol>
 * The first is proof. Stream write times are whole seconds on AWS, so "after the start" means at or
 * after the start's next whole second.
 */
final class CatchUp {
  /** How a shard was found caught up. */
  enum Reason {
    PASSED_START("read past a record written after the replay started"),
    SHARD_END("read to the end of the closed shard"),
    QUIET("no record for the quiet period of empty polls (taken as the open end)");

    final String text;

    Reason(String text) {
      this.text = text;
    }
  }

  private final Instant startedAt;
  private final Instant horizon;
  private final Duration quietPeriod;

  CatchUp(Instant startedAt, Duration quietPeriod) {
    this.startedAt = startedAt;
    this.horizon = startedAt.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    this.quietPeriod = quietPeriod;
  }

  Optional<Reason> reached(ShardProgress.Snapshot shard, Instant now) {
    if (shard.ended()) {
      return Optional.of(Reason.SHARD_END);
    }
    if (shard.pending()) {
      return Optional.empty();
    }
    if (shard.newestWrittenAt() != null && !shard.newestWrittenAt().isBefore(horizon)) {
      return Optional.of(Reason.PASSED_START);
    }
    if (shard.emptySince() != null && !now.isBefore(shard.emptySince().plus(quietPeriod))) {
      return Optional.of(Reason.QUIET);
    }
    return Optional.empty();
  }

  /** How far the reads are between the first record read and the replay's start, 0..1, by write time. */
  double fraction(ShardProgress.Snapshot shard, Instant now) {
    if (reached(shard, now).isPresent()) {
      return 1;
    }
    if (shard.firstWrittenAt() == null || shard.newestWrittenAt() == null) {
      return 0;
    }
    long span = Duration.between(shard.firstWrittenAt(), startedAt).toMillis();
    if (span <= 0) {
      return 1;
    }
    return Math.max(0, Math.min(1, (double) Duration.between(shard.firstWrittenAt(), shard.newestWrittenAt())
        .toMillis() / span));
  }
}
