package dev.shopstream.handlers.analytics;

/** Where analytics messages go. */
public interface AnalyticsPublisher {

  /** @throws RuntimeException when the message was not accepted */
  void publish(AnalyticsMessage message);
}
