package dev.shopstream.pipeline.kcl;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * How many UTF-8 bytes the Streams adapter's JSON form of a stream record has (what its
 * {@code DynamoDBStreamsClientRecord.fromRecord} puts in the record's data), counted without writing
 * it. KCL reads only that size (prefetch accounting, lease throughput, metrics), never the bytes.
 *
 * <p>The form counted is adapter 2.0.1's: the record's properties that are not null, the stream part's
 * maps always (the SDK gives empty ones when absent), times as epoch milliseconds, enums by name, an
 * attribute value as an object of each of its parts that is set, binary as padded base64, strings with
 * Jackson's default escapes (control characters, quote, backslash). An object's size is its braces,
 * each member's {@code "name":value} and the commas between them. {@code AdapterJsonSizeTest} checks it
 * against the adapter's own output.
 */
final class AdapterJsonSize {
  private static final int BRACES = 2;

  private AdapterJsonSize() {}

  static int of(Record record) {
    int size = BRACES;
    int members = 0;
    if (record.awsRegion() != null) {
      size += member(members++, "awsRegion", quoted(record.awsRegion()));
    }
    if (record.dynamodb() != null) {
      size += member(members++, "dynamodb", streamRecord(record.dynamodb()));
    }
    if (record.eventID() != null) {
      size += member(members++, "eventID", quoted(record.eventID()));
    }
    if (record.eventName() != null) {
      size += member(members++, "eventName", quoted(record.eventName().name()));
    }
    if (record.eventSource() != null) {
      size += member(members++, "eventSource", quoted(record.eventSource()));
    }
    if (record.eventVersion() != null) {
      size += member(members++, "eventVersion", quoted(record.eventVersion()));
    }
    if (record.userIdentity() != null) {
      size += member(members, "userIdentity", identity(record.userIdentity()));
    }
    return size;
  }

  private static int streamRecord(StreamRecord stream) {
    int size = BRACES;
    int members = 0;
    if (stream.sizeBytes() != null) {
      size += member(members++, "SizeBytes", digits(stream.sizeBytes()));
    }
    if (stream.sequenceNumber() != null) {
      size += member(members++, "SequenceNumber", quoted(stream.sequenceNumber()));
    }
    if (stream.streamViewType() != null) {
      size += member(members++, "StreamViewType", quoted(stream.streamViewType().name()));
    }
    size += member(members++, "Keys", item(stream.keys()));
    size += member(members++, "NewImage", item(stream.newImage()));
    size += member(members++, "OldImage", item(stream.oldImage()));
    if (stream.approximateCreationDateTime() != null) {
      size += member(members, "ApproximateCreationDateTime",
          digits(stream.approximateCreationDateTime().toEpochMilli()));
    }
    return size;
  }

  private static int identity(Identity identity) {
    int size = BRACES;
    int members = 0;
    if (identity.principalId() != null) {
      size += member(members++, "principalId", quoted(identity.principalId()));
    }
    if (identity.type() != null) {
      size += member(members, "type", quoted(identity.type()));
    }
    return size;
  }

  private static int item(Map<String, AttributeValue> item) {
    int size = BRACES;
    int members = 0;
    for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
      size += member(members++, attribute.getKey(), attribute(attribute.getValue()));
    }
    return size;
  }

  private static int attribute(AttributeValue value) {
    int size = BRACES;
    int members = 0;
    if (value.s() != null) {
      size += member(members++, "S", quoted(value.s()));
    }
    if (value.n() != null) {
      size += member(members++, "N", quoted(value.n()));
    }
    if (value.b() != null) {
      size += member(members++, "B", binary(value.b()));
    }
    if (value.bool() != null) {
      size += member(members++, "BOOL", value.bool() ? 4 : 5);
    }
    if (value.nul() != null) {
      size += member(members++, "NULL", value.nul() ? 4 : 5);
    }
    if (value.hasSs()) {
      size += member(members++, "SS", texts(value.ss()));
    }
    if (value.hasNs()) {
      size += member(members++, "NS", texts(value.ns()));
    }
    if (value.hasBs()) {
      int array = BRACES + Math.max(0, value.bs().size() - 1);
      for (SdkBytes bytes : value.bs()) {
        array += binary(bytes);
      }
      size += member(members++, "BS", array);
    }
    if (value.hasM()) {
      size += member(members++, "M", item(value.m()));
    }
    if (value.hasL()) {
      int array = BRACES + Math.max(0, value.l().size() - 1);
      for (AttributeValue element : value.l()) {
        array += attribute(element);
      }
      size += member(members, "L", array);
    }
    return size;
  }

  /** The {@code index}-th member of an object: a comma before all but the first, its quoted name, a colon. */
  private static int member(int index, String name, int valueSize) {
    return (index > 0 ? 1 : 0) + quoted(name) + 1 + valueSize;
  }

  private static int texts(List<String> texts) {
    int size = BRACES + Math.max(0, texts.size() - 1);
    for (String text : texts) {
      size += quoted(text);
    }
    return size;
  }

  /** Padded base64 in quotes. */
  private static int binary(SdkBytes bytes) {
    return 2 + 4 * ((bytes.asByteArrayUnsafe().length + 2) / 3);
  }

  private static int digits(long number) {
    return Long.toString(number).length();
  }

  /** A string in quotes, escaped as Jackson escapes by default, in UTF-8 bytes. */
  static int quoted(String text) {
    int size = 2;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        size += c >= 0x20 && c != '"' && c != '\\' ? 1
            : c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 2 : 6;
      } else if (c < 0x800) {
        size += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
        size += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        size += 1; // a lone surrogate: UTF-8 encoding writes '?'
      } else {
        size += 3;
      }
    }
    return size;
  }
}
