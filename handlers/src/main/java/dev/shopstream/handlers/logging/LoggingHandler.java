package dev.shopstream.handlers.logging;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one line per event: its type, key and summary. Subscribes to every event type. */
public final class LoggingHandler implements EventHandler {

  public static final String NAME = "logging";
  private static final Logger LOG = LoggerFactory.getLogger(LoggingHandler.class);

  private final Consumer<String> sink;

  /** Logs through SLF4J at INFO. */
  public LoggingHandler() {
    this(LOG::info);
  }

  /** Sends each line to {@code sink} instead (the demo prints them). */
  public LoggingHandler(Consumer<String> sink) {
    this.sink = sink;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<EventType> eventTypes() {
    return EnumSet.copyOf(EventType.domainEvents()); // entity states would repeat each change: analytics only
  }

  @Override
  public HandlerResult handle(DomainEvent event) {
    String line = format(event);
    sink.accept(line);
    return HandlerResult.done("logged");
  }

  static String format(DomainEvent event) {
    return String.format("%-22s %-40s %s", event.type().wireName(), event.metadata().entityKey(), event.summary());
  }
}
