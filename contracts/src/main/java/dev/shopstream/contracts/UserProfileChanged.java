package dev.shopstream.contracts;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Attributes of a user profile changed.
 *
 * @param changes changed attribute name -> old and new value, sorted by name; never empty
 */
public record UserProfileChanged(EventMetadata metadata, String userId, Map<String, FieldChange> changes)
    implements DomainEvent {

  public UserProfileChanged {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(userId, "userId");
    if (changes.isEmpty()) {
      throw new IllegalArgumentException("a profile change needs at least one changed field");
    }
    changes = Collections.unmodifiableSortedMap(new TreeMap<>(changes));
  }

  @Override
  public EventType type() {
    return EventType.USER_PROFILE_CHANGED;
  }

  @Override
  public String summary() {
    return "user " + userId + " changed " + String.join(", ", changes.keySet());
  }
}
