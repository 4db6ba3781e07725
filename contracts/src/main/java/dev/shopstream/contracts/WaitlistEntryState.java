package dev.shopstream.contracts;

import java.util.Objects;

/**
 * A waitlist entry ({@code PRODUCT#id / WAITLIST#userId}) as it is now.
 *
 * @param state null when the entry was deleted
 */
public record WaitlistEntryState(EventMetadata metadata, String productId, String userId,
    StateVersion version, Entry state) implements EntityState {

  /**
   * @param channel "email" or "sms" (never the address or number)
   * @param notifiedAt when the waitlist handler notified the user, as written; null while waiting
   */
  public record Entry(String channel, String notifiedAt) {
    public Entry {
      Objects.requireNonNull(channel, "channel");
    }
  }

  public WaitlistEntryState {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(productId, "productId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(version, "version");
  }

  @Override
  public EventType type() {
    return EventType.WAITLIST_ENTRY_STATE;
  }
}
