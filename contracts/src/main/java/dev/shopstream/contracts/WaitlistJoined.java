package dev.shopstream.contracts;

import java.util.Objects;

/**
 * A user joined a product's waitlist ({@code PRODUCT#id / WAITLIST#userId} inserted).
 *
 * @param channel how the user wants to hear back: "email" or "sms"
 */
public record WaitlistJoined(EventMetadata metadata, String productId, String userId, String channel)
    implements DomainEvent {

  public WaitlistJoined {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(productId, "productId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(channel, "channel");
  }

  @Override
  public EventType type() {
    return EventType.WAITLIST_JOINED;
  }

  @Override
  public String summary() {
    return "user " + userId + " joined the waitlist of product " + productId + " (" + channel + ")";
  }
}
