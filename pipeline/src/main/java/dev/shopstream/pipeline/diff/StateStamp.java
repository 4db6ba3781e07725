package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.EventMetadata;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.StateVersion;
import java.util.function.Function;

/** What an entity state is stamped with: its version, and its metadata per state type. */
record StateStamp(StateVersion version, Function<EventType, EventMetadata> metadata) {
  EventMetadata metadataOf(EventType type) {
    return metadata.apply(type);
  }
}
