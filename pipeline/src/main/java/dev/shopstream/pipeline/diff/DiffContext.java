package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EventIds;
import dev.shopstream.contracts.EventMetadata;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.StateVersion;
import dev.shopstream.pipeline.stream.ChangeKind;
import dev.shopstream.pipeline.stream.StreamChange;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** What a rule gets for one stream record: the change, its key, typed images and event metadata. */
final class DiffContext {
  private final StreamChange change;
  private final EntityKey key;
  private final ItemImage oldImage;
  private final ItemImage newImage;
  private final Instant occurredAt;

  DiffContext(StreamChange change, EntityKey key, Clock clock) {
    this.change = change;
    this.key = key;
    this.oldImage = change.oldImage() == null ? null : new ItemImage("old image", change.oldImage());
    this.newImage = change.newImage() == null ? null : new ItemImage("new image", change.newImage());
    this.occurredAt = change.approximateCreationTime() != null ? change.approximateCreationTime() : clock.instant();
  }

  StreamChange change() {
    return change;
  }

  ChangeKind kind() {
    return change.kind();
  }

  EntityKey key() {
    return key;
  }

  Optional<ItemImage> oldImage() {
    return Optional.ofNullable(oldImage);
  }

  /** The new image; a stream that carries no new image for an INSERT/MODIFY is the wrong view type. */
  ItemImage requiredNewImage() throws MalformedItemException {
    if (newImage == null) {
      throw new MalformedItemException(change.kind() + " record has no new image: the table's stream must use "
          + "the NEW_AND_OLD_IMAGES view type");
    }
    return newImage;
  }

  /** The old image; required for MODIFY and REMOVE, which is what NEW_AND_OLD_IMAGES gives. */
  ItemImage requiredOldImage() throws MalformedItemException {
    if (oldImage == null) {
      throw new MalformedItemException(change.kind() + " record has no old image: the table's stream must use "
          + "the NEW_AND_OLD_IMAGES view type");
    }
    return oldImage;
  }

  /** The image the state after this change is read from: the new image, none (deleted) for a REMOVE. */
  ItemImage stateImage() throws MalformedItemException {
    return change.kind() == ChangeKind.REMOVE ? null : requiredNewImage();
  }

  /** A stream change's state version: its second and sequence number. */
  StateStamp stateStamp() {
    return new StateStamp(StateVersion.ofStream(occurredAt, change.source().sequenceNumber()), this::metadata);
  }

  EventMetadata metadata(EventType type) {
    return new EventMetadata(EventIds.of(change.source(), type), key, occurredAt, change.source());
  }

  /** The id after {@code prefix} in a key part, e.g. "42" of "USER#42". */
  static String idAfter(String prefix, String keyPart) throws MalformedItemException {
    String id = keyPart.substring(prefix.length());
    if (id.isBlank()) {
      throw new MalformedItemException("key '" + keyPart + "' has no id after '" + prefix + "'");
    }
    return id;
  }
}
