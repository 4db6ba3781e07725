package dev.shopstream.handlers.analytics;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.tracing.Tracing;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Set;

/**
 * Publishes every event, in the versioned analytics contract, for the analytics team. A message that
 * its own JSON Schema rejects is never published: the call fails instead.
 */
public final class AnalyticsSyncHandler implements EventHandler {
  public static final String NAME = "analytics";

  private final CloudEventMapper mapper;
  private final ContractValidator contract;
  private final AnalyticsPublisher publisher;
  private final Tracing tracing;
  private final String spanName;

  public AnalyticsSyncHandler(CloudEventMapper mapper, ContractValidator contract, AnalyticsPublisher publisher) {
    this(mapper, contract, publisher, Tracing.OFF, "analytics");
  }

  /**
   * @param tracing when on, each message gets a producer span under its record's span, and that span's
   *     context in its envelope (the CloudEvents distributed tracing extension) and its message attributes
   * @param topicName the topic's name, for the span
   */
  public AnalyticsSyncHandler(CloudEventMapper mapper, ContractValidator contract, AnalyticsPublisher publisher,
      Tracing tracing, String topicName) {
    this.mapper = mapper;
    this.contract = contract;
    this.publisher = publisher;
    this.tracing = tracing;
    this.spanName = "publish " + topicName;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<EventType> eventTypes() {
    return EnumSet.allOf(EventType.class);
  }

  @Override
  public HandlerResult handle(DomainEvent event) {
    ObjectNode envelope = mapper.envelope(event);
    List<String> violations = contract.violations(event.type(), envelope.get("data"));
    if (!violations.isEmpty()) {
      throw new IllegalStateException("event " + event.eventId() + " would break the analytics contract "
          + CloudEventMapper.cloudEventType(event.type()) + ": " + violations);
    }
    if (tracing == Tracing.OFF) {
      publisher.publish(mapper.toMessage(event, envelope));
    } else {
      publishTraced(event, envelope);
    }
    return HandlerResult.done("published " + CloudEventMapper.cloudEventType(event.type()));
  }

  /** The span covers the wait for the message's batch (PublishBatch goes out on another thread, for many records). */
  private void publishTraced(DomainEvent event, ObjectNode envelope) {
    try (Tracing.Span span = tracing.producer(spanName, "messaging.system", "aws_sns", "messaging.operation.type",
        "publish", "messaging.destination.name", spanName.substring("publish ".length()), "messaging.message.id",
        event.eventId())) {
      String traceparent = span.traceparent();
      AnalyticsMessage message =
          mapper.toMessage(event, traceparent == null ? envelope : envelope.put(Tracing.TRACEPARENT, traceparent));
      if (traceparent != null) {
        HashMap<String, String> attributes = new HashMap<>(message.attributes());
        attributes.put(Tracing.TRACEPARENT, traceparent);
        message = new AnalyticsMessage(message.groupId(), message.deduplicationId(), message.body(), attributes);
      }
      try {
        publisher.publish(message);
      } catch (RuntimeException e) {
        span.failed(e);
        throw e;
      }
    }
  }
}
