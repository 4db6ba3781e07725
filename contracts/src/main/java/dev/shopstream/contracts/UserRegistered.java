package dev.shopstream.contracts;

import java.util.Objects;

/** A user profile item was created ({@code USER#id / PROFILE} inserted). Email and name may be null. */
public record UserRegistered(EventMetadata metadata, String userId, String email, String name)
    implements DomainEvent {

  public UserRegistered {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(userId, "userId");
  }

  @Override
  public EventType type() {
    return EventType.USER_REGISTERED;
  }

  @Override
  public String summary() {
    return "user " + userId + " registered";
  }
}
