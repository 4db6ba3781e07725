package dev.shopstream.handlers.waitlist;

import dev.shopstream.contracts.TableModel;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A user waiting for a product, and how to reach them: channel "email" or "sms" and the address. An
 * entry is built as read, even when it cannot be sent ({@link #problem}), so the handler can name it in
 * one log line instead of the store dropping it silently or SNS refusing it.
 *
 * @param joinedAt when the user joined (the item's {@code joinedAt}), or null when the item has none:
 *     such an entry counts as joined before any restock (see {@link WaitlistScreen})
 */
public record WaitlistEntry(String productId, String userId, String channel, String contact, Instant joinedAt) {
  /** The channels subscribers filter on, as the differ derives them ({@code email} or {@code phone} attribute). */
  public static final Set<String> CHANNELS = Set.of("email", "sms");

  public WaitlistEntry {
    Objects.requireNonNull(productId, "productId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(contact, "contact");
  }

  /** An entry without a join time. */
  public WaitlistEntry(String productId, String userId, String channel, String contact) {
    this(productId, userId, channel, contact, null);
  }

  /** Why this entry cannot be notified, if it cannot; never quotes the contact. */
  public Optional<String> problem() {
    if (userId.isBlank()) {
      return Optional.of("no user id (its sort key is '" + TableModel.WAITLIST_SK_PREFIX + userId + "')");
    }
    if (channel.isEmpty() && contact.isBlank()) {
      return Optional.of("neither a non-blank 'email' nor a non-blank 'phone' attribute");
    }
    if (!CHANNELS.contains(channel)) {
      return Optional.of("unknown channel '" + channel + "' (expected one of " + CHANNELS + ")");
    }
    if (contact.isBlank()) {
      return Optional.of("an empty contact for channel " + channel);
    }
    return Optional.empty();
  }
}
