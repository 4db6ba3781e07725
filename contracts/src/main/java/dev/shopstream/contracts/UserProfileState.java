package dev.shopstream.contracts;

import java.util.List;
import java.util.Objects;

/**
 * A user profile ({@code USER#id / PROFILE}) as it is now.
 *
 * @param state null when the profile was deleted
 */
public record UserProfileState(EventMetadata metadata, String userId, StateVersion version, Profile state)
    implements EntityState {

  /**
   * @param email the address (hashed for analytics); null when absent
   * @param fields names of the profile's other attributes, sorted (values are not published: they may be personal)
   */
  public record Profile(String email, List<String> fields) {
    public Profile {
      fields = List.copyOf(fields);
    }
  }

  public UserProfileState {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(version, "version");
  }

  @Override
  public EventType type() {
    return EventType.USER_PROFILE_STATE;
  }
}
