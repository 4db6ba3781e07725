package dev.shopstream.pipeline.processing;

import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterQueue;
import dev.shopstream.pipeline.processing.HandlerCall.Verdict;
import dev.shopstream.pipeline.stream.ChangeRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop over one record's {@link RecordStep}s (an event for a handler, or a dead letter to park), in rounds: each
 * round makes one {@link HandlerCall} per step still to do. A failed call is tried again when its
 * resilience4j retry ({@link HandlerRetries}) says so, after the pause it answers (only that call, never
 * what already succeeded); a permanent failure, and what still fails when the hold budget is spent, is
 * parked in the dead-letter queue; a queue that refuses holds the record. {@link #oneAttempt()} is the same
 * loop for one round that holds and parks nothing: the redrive path.
 *
 * <p>Thread-safe: many records run through one instance at once, each with its own steps.
 */
final class RecordLoop {
  private static final Logger LOG = LoggerFactory.getLogger(RecordLoop.class);

  private final HandlerCall calls;
  private final HandlerRetries retries;
  private final DeadLetterQueue deadLetters;
  private final PipelineMetrics metrics;
  private final RetryPolicy policy;
  private final Pause pause;
  private final Clock clock;
  private final int maxAttempts;

  /** The live loop: rounds until every step is done or parked, or the record's work is cancelled. */
  RecordLoop(DeadLetterQueue deadLetters, PipelineMetrics metrics, RetryPolicy policy, Pause pause, Clock clock) {
    this(new HandlerCall(metrics), new HandlerRetries(policy, metrics.registry()), deadLetters, metrics, policy, pause,
        clock, Integer.MAX_VALUE);
  }

  private RecordLoop(HandlerCall calls, HandlerRetries retries, DeadLetterQueue deadLetters, PipelineMetrics metrics,
      RetryPolicy policy, Pause pause, Clock clock, int maxAttempts) {
    this.calls = calls;
    this.retries = retries;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.policy = policy;
    this.pause = pause;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
  }

  /** This loop for one round: a call that fails is left undone (not retried, held, alarmed or parked). */
  RecordLoop oneAttempt() {
    return new RecordLoop(calls, retries, deadLetters, metrics, policy, pause, clock, 1);
  }

  /**
   * Runs {@code steps} (removing each once done or parked) to their end.
   *
   * @return false when cancelled first, or (one attempt) when a step is left undone: see {@link #firstFailure}
   */
  boolean run(ChangeRecord record, List<RecordStep> steps, Cancellation cancellation) {
    // Cancellation is seen before a record starts and between attempts: a round of calls that has
    // begun runs to its end, so a record whose calls all succeed is handled, not half done and redelivered.
    if (cancellation.isCancelled()) {
      return false;
    }
    Instant firstFailureAt = null;
    for (int attempt = 1; ; attempt++) {
      // A handler whose call failed (and was not parked) in this round does not get the record's later
      // events before it has taken the earlier one: each handler sees a key's events in stream order.
      Set<String> waiting = new HashSet<>();
      long pauseMillis = 0;
      for (Iterator<RecordStep> it = steps.iterator(); it.hasNext(); ) {
        RecordStep step = it.next();
        boolean done;
        if (step.letter != null) {
          done = park(step.letter);
        } else if (waiting.contains(step.handler.name())) {
          continue;
        } else if (deliver(record, step)) {
          done = true;
        } else if (step.letter == null) {
          firstFailureAt = firstFailureAt == null ? step.lastFailureAt : firstFailureAt;
          waiting.add(step.handler.name());
          pauseMillis = Math.max(pauseMillis, step.retryAfterMillis);
          continue;
        } else {
          firstFailureAt = firstFailureAt == null ? step.lastFailureAt : firstFailureAt;
          done = park(step.letter);
        }
        if (done) {
          it.remove();
        }
      }
      if (steps.isEmpty()) {
        return true;
      }
      if (attempt >= maxAttempts) {
        return false;
      }
      if (firstFailureAt != null && budgetSpent(firstFailureAt)) {
        for (RecordStep step : steps) {
          if (step.letter == null) {
            LOG.error("record {}: handler {} still failing after {} (hold budget spent): dead-lettering its event {}",
                record.sequenceNumber(), step.handler.name(), Duration.between(firstFailureAt, clock.instant()),
                step.event.eventId());
            step.letter = step.deadLetter(DeadLetter.Kind.RETRIES_EXHAUSTED, record, firstFailureAt, clock.instant());
          }
        }
        steps.removeIf(step -> park(step.letter));
        if (steps.isEmpty()) {
          return true;
        }
      }
      if (attempt >= policy.quietAttempts() && Integer.bitCount(attempt) == 1 || attempt == policy.quietAttempts()) {
        reportHolding(record, steps, attempt);
      }
      Duration wait = Duration.ofMillis(Math.max(1, pauseMillis));
      if (cancellation.isCancelled() || !pause.pause(wait, cancellation)) {
        return false;
      }
    }
  }

  /** Why the first step left undone is not done ("handler X failed again: ..."); null when none failed. */
  static String firstFailure(List<RecordStep> steps) {
    return steps.stream().filter(step -> step.lastError != null).findFirst()
        .map(step -> "handler " + step.handler.name() + " failed again: " + step.lastError.getMessage()).orElse(null);
  }

  /** Waiting for another attempt's claim is no failure: a record held only by deferrals is said at INFO. */
  private static void reportHolding(ChangeRecord record, List<RecordStep> steps, int attempt) {
    String message = "record {} of key {} still not handled after {} attempts, holding its key: {}";
    Object[] args = {record.sequenceNumber(), LogSafe.redact(record.orderingKey()), attempt,
        LogSafe.redact(String.valueOf(steps.get(0).lastError))};
    if (steps.stream().allMatch(step -> EffectFailure.isDeferral(step.lastError))) {
      LOG.info(message, args);
    } else {
      LOG.warn(message, args);
    }
  }

  /** One call of the step's handler; @return true when it did its effect (or decided there was none to do) */
  private boolean deliver(ChangeRecord record, RecordStep step) {
    String name = step.handler.name();
    if (step.failures > 0) {
      metrics.retry(name);
    }
    HandlerCall.Result result = calls.call(step.handler, step.event);
    if (result.verdict() == Verdict.DONE) {
      if (result.answer() instanceof HandlerResult.Done && record.writtenAt() != null) {
        metrics.writeToEffect(name, Duration.between(record.writtenAt(), clock.instant()));
      }
      if (step.retry != null) {
        step.retry.onComplete();
      }
      return true;
    }
    step.failed(result.error(), clock.instant());
    if (maxAttempts == 1) {
      return false;
    }
    if (step.retry == null) {
      step.retry = retries.context(name);
    }
    step.retryAfterMillis = step.retry.onError(result.error());
    step.letter = afterFailure(record, step, result.verdict());
    return false;
  }

  /** What a failed call leads to: held (null: tried again after the pause), alarmed on, or a dead letter. */
  private DeadLetter afterFailure(ChangeRecord record, RecordStep step, Verdict verdict) {
    String name = step.handler.name();
    return switch (verdict) {
      case DEFERRED, RETRYABLE -> null;
      case SYSTEMIC -> {
        metrics.systemicFailure(name);
        if (step.failures == 1) {
          LOG.error("handler {} cannot do its work for a reason no retry of this event fixes by itself (permissions, "
              + "credentials, a topic or configuration set gone): holding key {} and alarming "
              + "(shop.handler.systemic.failures) instead of dead-lettering event after event: {}", name,
              LogSafe.redact(record.orderingKey()), LogSafe.redact(step.lastError.getMessage()));
        }
        yield null;
      }
      case PERMANENT -> {
        LOG.error("record {}: handler {} failed permanently for {} {}: dead-lettering ({})", record.sequenceNumber(),
            name, step.event.type().wireName(), step.event.eventId(), LogSafe.redact(step.lastError.toString()));
        yield step.deadLetter(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY, record, step.firstFailureAt, clock.instant());
      }
      case DONE -> throw new IllegalStateException("a call that went through did not fail");
    };
  }

  /** @return whether the queue took it; a queue that refuses holds the record (never passed unparked) */
  private boolean park(DeadLetter letter) {
    try {
      deadLetters.park(letter);
    } catch (RuntimeException e) {
      LOG.error("record {}: the dead-letter queue refused it, holding its key: {}", letter.source().sequenceNumber(),
          LogSafe.redact(e.toString()));
      return false;
    }
    metrics.deadLetter(letter.kind().name());
    return true;
  }

  private boolean budgetSpent(Instant firstFailureAt) {
    return Duration.between(firstFailureAt, clock.instant()).compareTo(policy.holdBudget()) >= 0;
  }
}
