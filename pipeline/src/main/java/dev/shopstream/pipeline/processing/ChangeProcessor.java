package dev.shopstream.pipeline.processing;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.pipeline.diff.DiffOutcome;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.stream.StreamChange;
import dev.shopstream.pipeline.stream.StreamChanges;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Handles one stream record completely: diff into events, route each event, call each handler.
 * Either every routed handler call succeeds, or it throws and the record stays unhandled.
 */
public final class ChangeProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeProcessor.class);
  private static final int MAX_REMEMBERED_SHAPES = 100;

  private final ImageDiffer differ;
  private final EventRouter router;
  private final RejectionSink rejections;
  private final PipelineMetrics metrics;
  private final Clock clock;
  private final Set<String> shapesSeen = Collections.newSetFromMap(new LinkedHashMap<>());

  public ChangeProcessor(ImageDiffer differ, EventRouter router, RejectionSink rejections, PipelineMetrics metrics, Clock clock) {
    this.differ = differ;
    this.router = router;
    this.rejections = rejections;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * @param completed "eventId/handler" pairs already done for this record by an earlier attempt;
   *     they are skipped, and pairs done now are added, so a retry repeats only what failed
   * @throws HandlerFailedException when a handler fails; RuntimeException when the rejection sink does
   */
  public DiffOutcome process(Record record, String table, String shardId, Set<String> completed) {
    StreamChange change;
    try {
      change = StreamChanges.from(record, table, shardId);
    } catch (IllegalArgumentException e) {
      return reject(record, table, shardId, e.getMessage());
    }
    DiffOutcome outcome = differ.diff(change);
    if (outcome instanceof DiffOutcome.Rejected rejected) {
      reject(record, table, shardId, rejected.reason());
    } else if (outcome instanceof DiffOutcome.Unrecognized unrecognized) {
      metrics.record("unrecognized");
      noteUnrecognized(unrecognized.shape());
    } else if (outcome instanceof DiffOutcome.Derived derived) {
      for (DomainEvent event : derived.events()) {
        deliver(event, completed);
      }
      metrics.record(derived.events().isEmpty() ? "no-event" : "derived");
      derived.events().forEach(event -> metrics.event(event.type()));
    }
    return outcome;
  }

  private void deliver(DomainEvent event, Set<String> completed) {
    for (EventHandler handler : router.route(event)) {
      String key = event.eventId() + "/" + handler.name();
      if (completed.contains(key)) {
        continue;
      }
      HandlerResult result;
      try {
        result = handler.handle(event);
      } catch (RuntimeException e) {
        metrics.handlerResult(handler.name(), "failed");
        throw new HandlerFailedException(handler.name(), event.eventId(), e);
      }
      completed.add(key);
      if (result instanceof HandlerResult.NotApplicable notApplicable) {
        metrics.handlerResult(handler.name(), "not-applicable");
        LOG.info("handler {} did nothing for {} {}: {}", handler.name(), event.type().wireName(), event.eventId(),
            notApplicable.reason());
      } else {
        metrics.handlerResult(handler.name(), "done");
      }
    }
  }

  private DiffOutcome reject(Record record, String table, String shardId, String reason) {
    String sequenceNumber = record.dynamodb() != null && record.dynamodb().sequenceNumber() != null
        ? record.dynamodb().sequenceNumber() : "unknown";
    rejections.reject(new Rejection(new EventSource(table, shardId, sequenceNumber), record, reason, clock.instant()));
    metrics.record("rejected");
    return new DiffOutcome.Rejected(reason);
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
