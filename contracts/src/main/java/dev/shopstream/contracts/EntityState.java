package dev.shopstream.contracts;

/**
 * The public state of one table item after a change, or its deletion: what a consumer upserts, keyed by
 * {@code metadata().entityKey()}, keeping the state with the highest {@link #version()}. Emitted for every
 * change of a known item (besides its domain events) and for every row of a snapshot.
 */
public sealed interface EntityState extends DomainEvent
    permits UserProfileState, OrderState, ProductState, WaitlistEntryState, SessionState {

  /** Orders this state against every other state of the same item, from the stream or a snapshot. */
  StateVersion version();

  /** The item's public state after the change; null when the item no longer exists. */
  Object state();

  /** True when the item no longer exists (removed, or expired by its time-to-live). */
  default boolean deleted() {
    return state() == null;
  }

  @Override
  default String summary() {
    return type().wireName() + " of " + metadata().entityKey() + (deleted() ? " deleted" : "")
        + " at version " + version();
  }
}
