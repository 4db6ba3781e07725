package dev.shopstream.handlers.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The analytics envelope on the wire: a CloudEvent in structured JSON mode as the SDK's {@link JsonFormat}
 * writes it, with two things held to the published contract (docs/analytics-contract.md) so that the bytes
 * consumers already parse do not change: attributes come in the documented order (the SDK writes extensions
 * after its own attributes and {@code subject} after {@code dataschema}), and {@code time} is written as an
 * ISO-8601 UTC instant ({@code 2026-11-24T10:15:00.500Z}; the SDK's offset form would drop trailing zeros of
 * the fraction). What comes out is still a valid structured CloudEvent: the SDK reads it back unchanged.
 */
final class CloudEventWire {
  static final String STREAM_SHARD = "streamshard";
  static final String STREAM_SEQUENCE = "streamsequence";
  /** A snapshot row's export id (instead of the stream attributes). */
  static final String SNAPSHOT_EXPORT = "snapshotexport";
  /** The contract's attribute order. */
  static final List<String> ORDER = List.of("specversion", "id", "source", "type", "subject", "time", "datacontenttype",
      "dataschema", STREAM_SHARD, STREAM_SEQUENCE, SNAPSHOT_EXPORT, "data");
  private static final EventFormat FORMAT = new JsonFormat();

  private CloudEventWire() {}

  static ObjectNode write(CloudEvent event, ObjectMapper json) {
    JsonNode written;
    try {
      written = json.readTree(FORMAT.serialize(event));
    } catch (IOException e) {
      throw new UncheckedIOException("the CloudEvents JSON format wrote unreadable JSON", e);
    }
    ObjectNode envelope = json.createObjectNode();
    for (String name : ORDER) {
      if (name.equals("time") && event.getTime() != null) {
        envelope.put(name, event.getTime().toInstant().toString());
      } else if (written.has(name)) {
        envelope.set(name, written.get(name));
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = written.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!envelope.has(field.getKey())) {
        envelope.set(field.getKey(), field.getValue()); // an attribute the contract does not list yet: keep it, last
      }
    }
    return envelope;
  }

  /** Reads a wire envelope back with the SDK (what a consumer using the SDK does). */
  static CloudEvent read(String envelope) {
    return FORMAT.deserialize(envelope.getBytes(StandardCharsets.UTF_8));
  }
}
