package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.pipeline.diff.DiffOutcome;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterQueue;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.stream.ChangeRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Handles one stream record to its end: diff once, route each event to its handlers, and run the steps
 * that makes (an event for a handler; for a record the differ rejects, its dead letter) through the
 * {@link RecordLoop}, which calls, retries, holds and parks. A record is {@link Outcome#HANDLED} only when
 * every effect is done or parked; {@link Outcome#STOPPED} means its work was cancelled first: it must be
 * delivered again. {@link #redrive} runs a dead letter's record through the same loop for one attempt.
 *
 * <p>Thread-safe: many records run through one instance at once.
 */
public final class RecordProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(RecordProcessor.class);
  private static final int MAX_REMEMBERED_SHAPES = 100;

  /** How a record's handling ended. */
  public enum Outcome {
    /** Every effect done, skipped deliberately, or parked in the dead-letter queue. */
    HANDLED,
    /** Cancelled before that (stopping, lease lost): not handled, delivered again later. */
    STOPPED
  }

  private final ImageDiffer differ;
  private final EventRouter router;
  private final PipelineMetrics metrics;
  private final Clock clock;
  private final RecordTracing tracing;
  private final RecordLoop loop;
  private final RecordLoop redriveLoop;
  private final Set<String> shapesSeen = Collections.newSetFromMap(new LinkedHashMap<>());

  public RecordProcessor(ImageDiffer differ, EventRouter router, DeadLetterQueue deadLetters, PipelineMetrics metrics,
      RetryPolicy policy, Pause pause, Clock clock) {
    this(differ, router, deadLetters, metrics, policy, pause, clock, RecordTracing.OFF);
  }

  /** @param tracing a span per record ({@link RecordTracing#OFF}: none) */
  public RecordProcessor(ImageDiffer differ, EventRouter router, DeadLetterQueue deadLetters, PipelineMetrics metrics,
      RetryPolicy policy, Pause pause, Clock clock, RecordTracing tracing) {
    this.tracing = tracing;
    this.differ = differ;
    this.router = router;
    this.metrics = metrics;
    this.clock = clock;
    this.loop = new RecordLoop(deadLetters, metrics, policy, pause, clock);
    this.redriveLoop = loop.oneAttempt();
  }

  public Outcome process(ChangeRecord record, Cancellation cancellation) {
    MDC.put("shard", record.source().shardId());
    MDC.put("sequenceNumber", record.sequenceNumber());
    RecordTracing.RecordSpan span = tracing.start(record);
    Outcome outcome = null;
    try {
      outcome = handle(record, cancellation);
      return outcome;
    } finally {
      span.end(outcome == null ? "failed" : outcome.name());
      MDC.remove("shard");
      MDC.remove("sequenceNumber");
    }
  }

  private Outcome handle(ChangeRecord record, Cancellation cancellation) {
    DiffOutcome outcome = diff(record);
    List<RecordStep> steps = new ArrayList<>();
    String counted;
    if (outcome instanceof DiffOutcome.Rejected rejected) {
      DeadLetter letter = DeadLetter.rejected(record.source(), record.raw(), rejected.reason(), clock.instant());
      steps.add(RecordStep.park(letter));
      counted = "rejected";
    } else if (outcome instanceof DiffOutcome.Unrecognized unrecognized) {
      noteUnrecognized(unrecognized.shape());
      counted = "unrecognized";
    } else {
      DiffOutcome.Derived derived = (DiffOutcome.Derived) outcome;
      steps = routed(derived.delivered());
      counted = derived.events().isEmpty() ? "no-event" : "derived";
    }
    if (!loop.run(record, steps, cancellation)) {
      return Outcome.STOPPED;
    }
    metrics.record(counted);
    if (outcome instanceof DiffOutcome.Derived derived) {
      derived.delivered().forEach(event -> metrics.event(event.type()));
    }
    return Outcome.HANDLED;
  }

  /** Never throws: a record the differ fails on (a bug, not bad data) is rejected, so it is parked, not lost. */
  private DiffOutcome diff(ChangeRecord record) {
    if (record.change() == null) {
      return new DiffOutcome.Rejected(record.malformed());
    }
    try {
      return differ.diff(record.change());
    } catch (RuntimeException e) {
      LOG.error("record {}: the differ failed on it; parking it whole", record.sequenceNumber(), e);
      return new DiffOutcome.Rejected("the differ failed on this record: " + e);
    }
  }

  /**
   * Runs a dead letter's record again through the record loop for one attempt: a rejected record through
   * the differ and every handler, a failed handler call through that handler only. Nothing is retried or
   * parked again.
   *
   * @return null when it went through, else why it still fails
   */
  public String redrive(DeadLetter letter) {
    ChangeRecord record = ChangeRecord.of(letter.record(), letter.source().table(), letter.source().shardId());
    DiffOutcome outcome = diff(record);
    if (outcome instanceof DiffOutcome.Rejected rejected) {
      return "still rejected: " + rejected.reason();
    }
    if (!(outcome instanceof DiffOutcome.Derived derived)) {
      return "the record is no longer of a known shape";
    }
    // what the live loop delivers: the domain events and the item's state (a letter may be for either)
    List<RecordStep> steps;
    if (letter.eventId() == null) {
      steps = routed(derived.delivered());
    } else {
      DomainEvent event = derived.delivered().stream().filter(e -> e.eventId().equals(letter.eventId())).findFirst()
          .orElse(null);
      if (event == null) {
        return "the record no longer yields event " + letter.eventId();
      }
      List<EventHandler> handler = router.handlers().stream().filter(h -> h.name().equals(letter.handler())).toList();
      if (handler.isEmpty()) {
        return "handler '" + letter.handler() + "' is not enabled in this configuration (SHOP_HANDLERS)";
      }
      steps = new ArrayList<>(List.of(RecordStep.deliver(event, handler.get(0))));
    }
    return redriveLoop.run(record, steps, new Cancellation()) ? null : RecordLoop.firstFailure(steps);
  }

  /** A step per event and handler it is routed to, in event order: each handler sees the events in order. */
  private List<RecordStep> routed(List<DomainEvent> events) {
    List<RecordStep> steps = new ArrayList<>();
    for (DomainEvent event : events) {
      router.route(event).forEach(handler -> steps.add(RecordStep.deliver(event, handler)));
    }
    return steps;
  }

  private void noteUnrecognized(String shape) {
    synchronized (shapesSeen) {
      if (shapesSeen.size() < MAX_REMEMBERED_SHAPES && shapesSeen.add(shape)) {
        LOG.warn("skipping items of unknown shape {} (counted in shop.stream.records{outcome=unrecognized}; "
            + "logged once per shape)", shape);
      }
    }
  }
}
