package dev.shopstream.pipeline.dlq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
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
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * The JSON form of a dead letter on the queue (format version {@value DeadLetter#FORMAT_VERSION}; 1 is
 * still read). The stream record is in DynamoDB's stream JSON shape; when it is large it is gzipped
 * and base64-encoded ({@code recordEncoding: "gzip+base64"}). A letter too large for the queue is
 * stored elsewhere and the message carries a summary: every field, the record without its images, and
 * {@code recordEncoding} {@code s3} (with {@code recordLocation}) or {@code stream-reference}.
 *
 * <p>The text is always accepted by SQS, whose message bodies may hold only #x9 | #xA | #xD |
 * #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF: control characters, U+FFFE, U+FFFF and every
 * UTF-16 surrogate (lone ones, and the halves of characters above U+FFFF) are written as JSON
 * {@code \\uXXXX} escapes, which read back to exactly the same string.
 */
public final class DeadLetterCodec {
  /** Records whose JSON exceeds this are compressed. */
  static final int COMPRESS_ABOVE_BYTES = 64 * 1024;
  /** An error message in a summary (claim check, stream reference) is cut to this many characters. */
  static final int SUMMARY_ERROR_CHARS = 4_000;

  private final ObjectMapper json;
  private final ObjectWriter writer;
  private final StreamRecordJson records;

  public DeadLetterCodec(ObjectMapper json) {
    this.json = json;
    this.writer = json.writer().with(new SqsSafeEscapes());
    this.records = new StreamRecordJson(json);
  }

  /** A letter read from a message: the letter (its record without images unless inline) and where the record is. */
  public record Decoded(DeadLetter letter, RecordLocation location) {}

  /** The whole letter, record included. */
  public String encode(DeadLetter letter) {
    ObjectNode node = fields(letter, letter.errorMessage());
    String record = records.write(letter.record());
    if (record.length() > COMPRESS_ABOVE_BYTES) {
      node.put("recordEncoding", "gzip+base64");
      node.put("record", Base64.getEncoder().encodeToString(gzip(record)));
    } else {
      node.put("recordEncoding", "json");
      node.set("record", read(record));
    }
    return write(node);
  }

  /** The summary of a letter whose whole text ({@link #encode}) is the S3 object {@code location}. */
  public String encodeClaimCheck(DeadLetter letter, RecordLocation location) {
    ObjectNode node = summary(letter, "s3");
    ObjectNode where = node.putObject("recordLocation");
    where.put("bucket", location.bucket());
    where.put("key", location.key());
    where.put("bytes", location.bytes());
    return write(node);
  }

  /** The summary of a letter whose record is kept only by the stream ({@code recordBytes}: its JSON size). */
  public String encodeStreamReference(DeadLetter letter, long recordBytes) {
    ObjectNode node = summary(letter, "stream-reference");
    node.put("recordBytes", recordBytes);
    return write(node);
  }

  /** The size of the record's JSON in UTF-8 bytes (what a stream reference leaves out). */
  public long recordBytes(DeadLetter letter) {
    return records.write(letter.record()).getBytes(StandardCharsets.UTF_8).length;
  }

  /** Reads a whole letter; a summary must be resolved first (see {@link #decodeMessage}). */
  public DeadLetter decode(String body) {
    Decoded decoded = decodeMessage(body);
    if (decoded.location().storage() != RecordLocation.Storage.INLINE) {
      throw new IllegalArgumentException("this message is a summary; its record is " + decoded.location().describe());
    }
    return decoded.letter();
  }

  public Decoded decodeMessage(String body) {
    JsonNode node = read(body);
    int version = node.path("formatVersion").asInt(-1);
    if (version != DeadLetter.FORMAT_VERSION && version != 1) {
      throw new IllegalArgumentException("dead letter format version " + version + " is not "
          + DeadLetter.FORMAT_VERSION + " (or 1)");
    }
    JsonNode recordNode = node.get("record");
    String encoding = node.path("recordEncoding").asText("json");
    Record record = "gzip+base64".equals(encoding)
        ? records.read(gunzip(Base64.getDecoder().decode(recordNode.asText())))
        : records.read(recordNode);
    RecordLocation location = switch (encoding) {
      case "json", "gzip+base64" -> RecordLocation.INLINE;
      case "s3" -> RecordLocation.s3(node.path("recordLocation").path("bucket").asText(),
          node.path("recordLocation").path("key").asText(), node.path("recordLocation").path("bytes").asLong());
      case "stream-reference" -> RecordLocation.streamReference(node.path("recordBytes").asLong());
      default -> throw new IllegalArgumentException("unknown recordEncoding '" + encoding + "'");
    };
    JsonNode source = node.get("source");
    DeadLetter letter = new DeadLetter(DeadLetter.Kind.valueOf(node.get("kind").asText()),
        new EventSource(source.get("table").asText(), source.get("shardId").asText(),
            source.get("sequenceNumber").asText()),
        record, text(node, "handler"), text(node, "eventId"), text(node, "eventType"), text(node, "errorClass"),
        node.get("errorMessage").asText(), node.get("attempts").asInt(),
        Instant.parse(node.get("firstFailureAt").asText()), Instant.parse(node.get("lastFailureAt").asText()));
    return new Decoded(letter, location);
  }

  private ObjectNode fields(DeadLetter letter, String errorMessage) {
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
    node.put("errorMessage", errorMessage);
    node.put("attempts", letter.attempts());
    node.put("firstFailureAt", letter.firstFailureAt().toString());
    node.put("lastFailureAt", letter.lastFailureAt().toString());
    return node;
  }

  /** Every field, the error cut to {@value #SUMMARY_ERROR_CHARS} characters, and the record without its images. */
  private ObjectNode summary(DeadLetter letter, String encoding) {
    String error = letter.errorMessage();
    ObjectNode node = fields(letter, error.length() <= SUMMARY_ERROR_CHARS ? error
        : error.substring(0, SUMMARY_ERROR_CHARS) + " ... (cut; the whole message is with the record)");
    Record full = letter.record();
    Record withoutImages = full.dynamodb() == null ? full : full.toBuilder().dynamodb(full.dynamodb().toBuilder()
        .newImage((Map<String, AttributeValue>) null).oldImage((Map<String, AttributeValue>) null).build()).build();
    node.put("recordEncoding", encoding);
    node.set("record", records.toJson(withoutImages));
    return node;
  }

  private String write(ObjectNode node) {
    try {
      return writer.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a dead letter: " + e.getOriginalMessage(), e);
    }
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

  /**
   * Escapes what SQS refuses in a message body: surrogates (UTF-16 halves, paired or lone: a lone one
   * cannot be encoded at all, a pair is escaped as two halves, which JSON reads back as the same
   * character), U+FFFE and U+FFFF. Control characters are escaped by JSON already.
   */
  static final class SqsSafeEscapes extends CharacterEscapes {
    private final int[] ascii = standardAsciiEscapesForJSON();

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      boolean refused = (ch >= 0xD800 && ch <= 0xDFFF) || ch == 0xFFFE || ch == 0xFFFF;
      return refused ? new SerializedString(String.format("\\u%04X", ch)) : null;
    }
  }
}
