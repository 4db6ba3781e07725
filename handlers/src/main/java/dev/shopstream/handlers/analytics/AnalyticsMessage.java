package dev.shopstream.handlers.analytics;

import java.util.Map;
import java.util.Objects;

/**
 * One message for the analytics topic.
 *
 * @param groupId FIFO message group: per-entity order
 * @param deduplicationId FIFO deduplication id: the event id, so a redelivered event is dropped by SNS
 * @param body the CloudEvents JSON envelope
 * @param attributes SNS message attributes for subscription filters
 */
public record AnalyticsMessage(String groupId, String deduplicationId, String body, Map<String, String> attributes) {
  public AnalyticsMessage {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(deduplicationId, "deduplicationId");
    Objects.requireNonNull(body, "body");
    attributes = Map.copyOf(attributes);
  }
}
