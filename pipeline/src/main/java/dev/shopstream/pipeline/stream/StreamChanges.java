package dev.shopstream.pipeline.stream;

import dev.shopstream.contracts.EventSource;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/** Translates the SDK's stream {@link Record} into a {@link StreamChange} at the AWS boundary. */
public final class StreamChanges {
  private StreamChanges() {}

  /**
   * @throws IllegalArgumentException when the record has no usable event name or stream part
   *     (the caller treats it as a malformed record, never skips it silently)
   */
  public static StreamChange from(Record record, String table, String shardId) {
    StreamRecord data = record.dynamodb();
    if (data == null) {
      throw new IllegalArgumentException("stream record " + record.eventID() + " has no 'dynamodb' part");
    }
    OperationType operation = record.eventName();
    if (operation == null || operation == OperationType.UNKNOWN_TO_SDK_VERSION) {
      throw new IllegalArgumentException("stream record " + data.sequenceNumber() + " has an unknown eventName '"
          + record.eventNameAsString() + "'");
    }
    Identity identity = record.userIdentity();
    return new StreamChange(
        new EventSource(table, shardId, data.sequenceNumber()),
        ChangeKind.valueOf(operation.name()),
        data.hasKeys() ? data.keys() : null,
        data.hasOldImage() ? data.oldImage() : null,
        data.hasNewImage() ? data.newImage() : null,
        identity == null ? null : identity.type(),
        identity == null ? null : identity.principalId(),
        data.approximateCreationDateTime());
  }
}
