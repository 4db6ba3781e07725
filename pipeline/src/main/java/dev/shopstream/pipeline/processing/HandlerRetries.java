package dev.shopstream.pipeline.processing;

import dev.shopstream.handlers.EffectFailure;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The retry engine of handler calls: one resilience4j {@link Retry} per handler, from one registry. It
 * decides whether a failed call is tried again (retryable and systemic failures are, as classified at
 * the AWS boundary by {@link EffectFailure}; anything else is not: the event is dead-lettered) and
 * after how long ({@link RetryPolicy#delayAfter}, exponential with jitter), counts the attempts and
 * publishes its events as Micrometer metrics ({@code resilience4j_retry_calls}, by handler and kind).
 * Two things it does not own: the hold budget (a time, not a count: the record processor ends the
 * retries once it is spent and dead-letters the event, counted in {@code shop.dlq.writes}) and the wait itself,
 * which is the worker's {@link Pause}, woken at once when the shard's work is cancelled; so each call
 * runs through an asynchronous context, whose answer is the pause, never a sleep of its own.
 */
public final class HandlerRetries {
  private final RetryRegistry registry;

  public HandlerRetries(RetryPolicy policy, MeterRegistry meters) {
    RetryConfig config = RetryConfig.custom()
        // no count ends a record's retries: the hold budget does (see the record processor)
        .maxAttempts(Integer.MAX_VALUE)
        .failAfterMaxAttempts(false)
        .intervalBiFunction((attempt, outcome) -> policy.delayAfter(attempt).toMillis())
        .retryOnException(HandlerRetries::retried)
        .build();
    this.registry = RetryRegistry.of(config);
    TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
  }

  /**
   * Retryable (throttling, 5xx, timeouts), deferrals (a claim held by another attempt: retryable, counted
   * apart) and systemic failures (held and alarmed) are retried.
   */
  static boolean retried(Throwable failure) {
    return HandlerCall.classify(failure) != HandlerCall.Verdict.PERMANENT;
  }

  /** A new retry context for one call of {@code handler}: {@code onError} answers the pause, or -1 for "no more". */
  public Retry.AsyncContext<Object> context(String handler) {
    return registry.retry(handler).asyncContext();
  }
}
