package dev.shopstream.handlers.waitlist;

import java.util.Objects;

/** A user waiting for a product, and how to reach them: channel "email" or "sms" and the address. */
public record WaitlistEntry(String productId, String userId, String channel, String contact) {
  public WaitlistEntry {
    Objects.requireNonNull(productId, "productId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(contact, "contact");
  }
}
