package dev.shopstream.handlers.analytics;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumSet;
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

  public AnalyticsSyncHandler(CloudEventMapper mapper, ContractValidator contract, AnalyticsPublisher publisher) {
    this.mapper = mapper;
    this.contract = contract;
    this.publisher = publisher;
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
    publisher.publish(mapper.toMessage(event, envelope));
    return HandlerResult.done("published " + CloudEventMapper.cloudEventType(event.type()));
  }
}
