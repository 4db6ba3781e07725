package dev.shopstream.pipeline.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * A DynamoDB stream record in the JSON shape AWS documents for DynamoDB Streams (and Lambda):
 * {@code eventID, eventName, userIdentity{type, principalId}, dynamodb{ApproximateCreationDateTime
 * (epoch seconds), Keys, NewImage, OldImage, SequenceNumber, SizeBytes, StreamViewType}}.
 *
 * <p>Used for test fixtures and wherever a record must be kept whole (rejections, dead letters).
 */
public final class StreamRecordJson {
  private final ObjectMapper mapper;

  public StreamRecordJson(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public Record read(String json) {
    try {
      return read(mapper.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON stream record: " + e.getOriginalMessage(), e);
    }
  }

  public Record read(JsonNode node) {
    JsonNode data = node.path("dynamodb");
    StreamRecord.Builder stream = StreamRecord.builder()
        .sequenceNumber(text(data, "SequenceNumber"))
        .streamViewType(text(data, "StreamViewType"))
        .keys(AttributeValueJson.readItem(data.get("Keys")))
        .oldImage(AttributeValueJson.readItem(data.get("OldImage")))
        .newImage(AttributeValueJson.readItem(data.get("NewImage")));
    if (data.hasNonNull("ApproximateCreationDateTime")) {
      stream.approximateCreationDateTime(Instant.ofEpochMilli(
          Math.round(data.get("ApproximateCreationDateTime").asDouble() * 1000)));
    }
    if (data.hasNonNull("SizeBytes")) {
      stream.sizeBytes(data.get("SizeBytes").asLong());
    }
    Record.Builder record = Record.builder()
        .eventID(text(node, "eventID"))
        .eventName(text(node, "eventName"))
        .eventSource(text(node, "eventSource"))
        .awsRegion(text(node, "awsRegion"))
        .dynamodb(stream.build());
    JsonNode identity = node.get("userIdentity");
    if (identity != null && identity.isObject()) {
      record.userIdentity(Identity.builder().type(text(identity, "type")).principalId(text(identity, "principalId"))
          .build());
    }
    return record.build();
  }

  public ObjectNode toJson(Record record) {
    ObjectNode node = mapper.createObjectNode();
    putIfPresent(node, "eventID", record.eventID());
    putIfPresent(node, "eventName", record.eventNameAsString());
    putIfPresent(node, "eventSource", record.eventSource());
    putIfPresent(node, "awsRegion", record.awsRegion());
    if (record.userIdentity() != null) {
      ObjectNode identity = node.putObject("userIdentity");
      putIfPresent(identity, "type", record.userIdentity().type());
      putIfPresent(identity, "principalId", record.userIdentity().principalId());
    }
    StreamRecord stream = record.dynamodb();
    if (stream != null) {
      ObjectNode data = node.putObject("dynamodb");
      if (stream.approximateCreationDateTime() != null) {
        data.put("ApproximateCreationDateTime", stream.approximateCreationDateTime().toEpochMilli() / 1000.0);
      }
      if (stream.hasKeys()) {
        data.set("Keys", AttributeValueJson.writeItem(stream.keys()));
      }
      if (stream.hasNewImage()) {
        data.set("NewImage", AttributeValueJson.writeItem(stream.newImage()));
      }
      if (stream.hasOldImage()) {
        data.set("OldImage", AttributeValueJson.writeItem(stream.oldImage()));
      }
      putIfPresent(data, "SequenceNumber", stream.sequenceNumber());
      if (stream.sizeBytes() != null) {
        data.put("SizeBytes", stream.sizeBytes());
      }
      putIfPresent(data, "StreamViewType", stream.streamViewTypeAsString());
    }
    return node;
  }

  public String write(Record record) {
    return toJson(record).toString();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
