package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of one handler for one event: timed ({@code shop.handler.latency}), counted by how it ended
 * ({@code shop.handler.results}: done, not-applicable, already-done, deferred, failed) and classified for
 * the {@link RecordLoop}. Nothing here retries, waits or parks.
 */
final class HandlerCall {
  private static final Logger LOG = LoggerFactory.getLogger(HandlerCall.class);

  /** How a call ended: the record loop's switch over it has no default. */
  enum Verdict {
    /** The effect is done, was done before, or there was deliberately none to do. */
    DONE,
    /** Not tried: another attempt's claim decides it for now ({@link EffectFailure.Deferral}); tried again. */
    DEFERRED,
    /** Failed, may succeed if tried again (throttling, 5xx, timeouts, an unknown outcome). */
    RETRYABLE,
    /** Failed for a reason of setup, not of the event (access denied, a resource gone): tried again, alarmed. */
    SYSTEMIC,
    /** Fails the same way every time (validation, anything a handler throws unclassified): dead-lettered. */
    PERMANENT
  }

  /** The verdict, with the handler's answer when {@link Verdict#DONE}, else what it threw. */
  record Result(Verdict verdict, HandlerResult answer, RuntimeException error) {}

  private final PipelineMetrics metrics;

  HandlerCall(PipelineMetrics metrics) {
    this.metrics = metrics;
  }

  Result call(EventHandler handler, DomainEvent event) {
    String name = handler.name();
    HandlerResult answer;
    try {
      answer = metrics.timeHandler(name, () -> handler.handle(event));
    } catch (RuntimeException e) {
      Verdict verdict = classify(e);
      metrics.handlerResult(name, verdict == Verdict.DEFERRED ? "deferred" : "failed");
      return new Result(verdict, null, e);
    }
    count(name, event, answer);
    return new Result(Verdict.DONE, answer, null);
  }

  /** The classification made at the AWS boundary ({@link EffectFailure}); anything else is permanent. */
  static Verdict classify(Throwable failure) {
    if (EffectFailure.isDeferral(failure)) {
      return Verdict.DEFERRED;
    }
    if (EffectFailure.isSystemic(failure)) {
      return Verdict.SYSTEMIC;
    }
    return EffectFailure.isRetryable(failure) ? Verdict.RETRYABLE : Verdict.PERMANENT;
  }

  private void count(String handler, DomainEvent event, HandlerResult answer) {
    if (answer instanceof HandlerResult.NotApplicable notApplicable) {
      metrics.handlerResult(handler, "not-applicable");
      LOG.info("handler {} did nothing for {} {}: {}", handler, event.type().wireName(), event.eventId(),
          notApplicable.reason());
    } else if (answer instanceof HandlerResult.AlreadyDone alreadyDone) {
      metrics.handlerResult(handler, "already-done");
      LOG.info("handler {} skipped {} {}: {}", handler, event.type().wireName(), event.eventId(), alreadyDone.detail());
    } else {
      metrics.handlerResult(handler, "done");
    }
  }
}
