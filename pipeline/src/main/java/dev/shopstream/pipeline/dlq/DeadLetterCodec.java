package dev.shopstream.pipeline.dlq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.pipeline.stream.StreamRecordJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The JSON form of a dead letter on the queue (format version {@value DeadLetter#FORMAT_VERSION}).
 * The stream record is in DynamoDB's stream JSON shape; when it is large it is gzipped and
 * base64-encoded ({@code recordEncoding: "gzip+base64"}) to stay within SQS's message size.
 */
public final class DeadLetterCodec {
  /** Records whose JSON exceeds this are compressed. */
  static final int COMPRESS_ABOVE_BYTES = 64 * 1024;

  private final ObjectMapper json;
  private final StreamRecordJson records;

  public DeadLetterCodec(ObjectMapper json) {
    this.json = json;
    this.records = new StreamRecordJson(json);
  }

  public String encode(DeadLetter letter) {
    ObjectNode node = json.createObjectNode();
    node.put("formatVersion", DeadLetter.FORMAT_VERSION);
    node.put("kind", letter.kind().name());
    ObjectNode source = node.putObject("source");
    source.put("table", letter.source().table());
    source.put("shardId", letter.source().shardId());
    source.put("sequenceNumber", letter.source().sequenceNumber());
    node.put("handler", letter.handler());
    node.put("eventId", letter.eventId());
    node.put("eventType", letter.eventType());
    node.put("errorClass", letter.errorClass());
    node.put("errorMessage", letter.errorMessage());
    node.put("attempts", letter.attempts());
    node.put("firstFailureAt", letter.firstFailureAt().toString());
    node.put("lastFailureAt", letter.lastFailureAt().toString());
    String record = records.write(letter.record());
    if (record.length() > COMPRESS_ABOVE_BYTES) {
      node.put("recordEncoding", "gzip+base64");
      node.put("record", Base64.getEncoder().encodeToString(gzip(record)));
    } else {
      node.put("recordEncoding", "json");
      node.set("record", read(record));
    }
    return node.toString();
  }

  public DeadLetter decode(String body) {
    JsonNode node = read(body);
    int version = node.path("formatVersion").asInt(-1);
    if (version != DeadLetter.FORMAT_VERSION) {
      throw new IllegalArgumentException("dead letter format version " + version + " is not " + DeadLetter.FORMAT_VERSION);
    }
    JsonNode recordNode = node.get("record");
    var record = "gzip+base64".equals(node.path("recordEncoding").asText())
        ? records.read(gunzip(Base64.getDecoder().decode(recordNode.asText())))
        : records.read(recordNode);
    JsonNode source = node.get("source");
    return new DeadLetter(DeadLetter.Kind.valueOf(node.get("kind").asText()),
        new EventSource(source.get("table").asText(), source.get("shardId").asText(), source.get("sequenceNumber").asText()),
        record, text(node, "handler"), text(node, "eventId"), text(node, "eventType"), text(node, "errorClass"),
        node.get("errorMessage").asText(), node.get("attempts").asInt(), Instant.parse(node.get("firstFailureAt").asText()),
        Instant.parse(node.get("lastFailureAt").asText()));
  }

  private JsonNode read(String text) {
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static byte[] gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String gunzip(byte[] data) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
