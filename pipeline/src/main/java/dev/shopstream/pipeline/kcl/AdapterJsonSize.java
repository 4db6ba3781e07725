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
 * Jackson's default escapes (control characters, quote, backslash). {@code AdapterJsonSizeTest} checks
 * it against the adapter's own output.
 */
final class AdapterJsonSize {
  private AdapterJsonSize() {}

  static int of(Record record) {
    Fields fields = new Fields();
    fields.text("awsRegion", record.awsRegion());
    if (record.dynamodb() != null) {
      fields.value("dynamodb", streamRecord(record.dynamodb()));
    }
    fields.text("eventID", record.eventID());
    if (record.eventName() != null) {
      fields.text("eventName", record.eventName().name());
    }
    fields.text("eventSource", record.eventSource());
    fields.text("eventVersion", record.eventVersion());
    if (record.userIdentity() != null) {
      fields.value("userIdentity", identity(record.userIdentity()));
    }
    return fields.size();
  }

  private static int streamRecord(StreamRecord stream) {
    Fields fields = new Fields();
    if (stream.sizeBytes() != null) {
      fields.value("SizeBytes", Long.toString(stream.sizeBytes()).length());
    }
    fields.text("SequenceNumber", stream.sequenceNumber());
    if (stream.streamViewType() != null) {
      fields.text("StreamViewType", stream.streamViewType().name());
    }
    fields.value("Keys", item(stream.keys()));
    fields.value("NewImage", item(stream.newImage()));
    fields.value("OldImage", item(stream.oldImage()));
    if (stream.approximateCreationDateTime() != null) {
      fields.value("ApproximateCreationDateTime",
          Long.toString(stream.approximateCreationDateTime().toEpochMilli()).length());
    }
    return fields.size();
  }

  private static int identity(Identity identity) {
    Fields fields = new Fields();
    fields.text("principalId", identity.principalId());
    fields.text("type", identity.type());
    return fields.size();
  }

  private static int item(Map<String, AttributeValue> item) {
    Fields fields = new Fields();
    item.forEach((name, value) -> fields.value(name, attribute(value)));
    return fields.size();
  }

  private static int attribute(AttributeValue value) {
    Fields fields = new Fields();
    fields.text("S", value.s());
    fields.text("N", value.n());
    if (value.b() != null) {
      fields.value("B", binary(value.b()));
    }
    if (value.bool() != null) {
      fields.value("BOOL", value.bool() ? 4 : 5);
    }
    if (value.nul() != null) {
      fields.value("NULL", value.nul() ? 4 : 5);
    }
    if (value.hasSs()) {
      fields.value("SS", texts(value.ss()));
    }
    if (value.hasNs()) {
      fields.value("NS", texts(value.ns()));
    }
    if (value.hasBs()) {
      int size = 2 + Math.max(0, value.bs().size() - 1);
      for (SdkBytes bytes : value.bs()) {
        size += binary(bytes);
      }
      fields.value("BS", size);
    }
    if (value.hasM()) {
      fields.value("M", item(value.m()));
    }
    if (value.hasL()) {
      int size = 2 + Math.max(0, value.l().size() - 1);
      for (AttributeValue element : value.l()) {
        size += attribute(element);
      }
      fields.value("L", size);
    }
    return fields.size();
  }

  private static int texts(List<String> texts) {
    int size = 2 + Math.max(0, texts.size() - 1);
    for (String text : texts) {
      size += quoted(text);
    }
    return size;
  }

  /** Padded base64 in quotes. */
  private static int binary(SdkBytes bytes) {
    return 2 + 4 * ((bytes.asByteBuffer().remaining() + 2) / 3);
  }

  /** A string in quotes, escaped as Jackson escapes by default, in UTF-8 bytes. */
  static int quoted(String text) {
    int size = 2;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < 0x20) {
        size += c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 2 : 6;
      } else if (c == '"' || c == '\\') {
        size += 2;
      } else if (c < 0x80) {
        size += 1;
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

  /** The members of one JSON object: {@code {"name":value,...}}. */
  private static final class Fields {
    private int size = 2;
    private int count;

    void value(String name, int valueSize) {
      size += (count++ > 0 ? 1 : 0) + quoted(name) + 1 + valueSize;
    }

    void text(String name, String text) {
      if (text != null) {
        value(name, quoted(text));
      }
    }

    int size() {
      return size;
    }
  }
}
