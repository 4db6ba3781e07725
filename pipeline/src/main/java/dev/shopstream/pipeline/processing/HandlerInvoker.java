package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Calls a handler with resilience4j retries: exponential backoff with jitter, one Retry per handler,
 * and only errors classified retryable ({@link EffectFailure#isRetryable}) are retried. Once the
 * worker is stopping, no further attempt is made.
 */
public final class HandlerInvoker {
  private final RetryConfig config;
  private final PipelineMetrics metrics;
  private final Map<String, Retry> retries = new ConcurrentHashMap<>();

  public HandlerInvoker(RetryPolicy policy, BooleanSupplier stopping, PipelineMetrics metrics) {
    this.metrics = metrics;
    IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(policy.initialBackoff().toMillis(), 2.0, 0.5,
        policy.maxBackoff().toMillis());
    this.config = RetryConfig.custom()
        .maxAttempts(policy.attemptsPerCall())
        .intervalFunction(backoff)
        .retryOnException(error -> EffectFailure.isRetryable(error) && !stopping.getAsBoolean())
        .build();
  }

  /** @throws RuntimeException the last failure once retries are exhausted or the error is permanent */
  public HandlerResult invoke(EventHandler handler, DomainEvent event) {
    Retry retry = retries.computeIfAbsent(handler.name(), name -> {
      Retry created = Retry.of(name, config);
      created.getEventPublisher().onRetry(e -> metrics.retry(name));
      return created;
    });
    return metrics.timeHandler(handler.name(), () -> retry.executeSupplier(() -> handler.handle(event)));
  }
}
