package dev.shopstream.testkit.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The public state a table item should have in the sink, written down here from the analytics contract
 * (docs/analytics-contract.md and the {@code *-state} schemas) rather than taken from the worker's code: the
 * side of the sync check that is counted from outside. Contact details are compared as the contract carries
 * them: emails as HMAC-SHA256 (hex) of the trimmed, lower-cased address under the deployment's key.
 */
public final class ExpectedStates {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> PROFILE_BOOKKEEPING = Set.of("PK", "SK", "updatedAt", "version", "email");
  private final SecretKeySpec piiKey;

  public ExpectedStates(String piiKey) {
    this.piiKey = new SecretKeySpec(piiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** The sink's subject for an item: {@code PK/SK}. */
  public static String subject(Map<String, AttributeValue> item) {
    return item.get("PK").s() + "/" + item.get("SK").s();
  }

  /** The item's expected {@code data.state}, or null when the item is of no entity the contract has states for. */
  public JsonNode stateOf(Map<String, AttributeValue> item) {
    String pk = item.get("PK").s();
    String sk = item.get("SK").s();
    ObjectNode state = NODES.objectNode();
    if (pk.startsWith("USER#") && sk.equals("PROFILE")) {
      state.put("emailHash", hash(text(item, "email")));
      ArrayNode fields = state.putArray("fields");
      new TreeSet<>(item.keySet()).stream().filter(name -> !PROFILE_BOOKKEEPING.contains(name)).forEach(fields::add);
    } else if (pk.startsWith("USER#") && sk.startsWith("ORDER#")) {
      state.put("status", text(item, "status")).put("total", item.get("total").n())
          .put("currency", text(item, "currency"));
      ArrayNode lines = state.putArray("items");
      for (AttributeValue line : item.get("items").l()) {
        lines.addObject().put("sku", line.m().get("sku").s())
            .put("quantity", Integer.parseInt(line.m().get("quantity").n()))
            .put("unitPrice", line.m().get("unitPrice").n());
      }
      state.put("customerEmailHash", hash(text(item, "email")));
    } else if (pk.startsWith("PRODUCT#") && sk.equals("META")) {
      state.put("name", text(item, "name")).put("price", item.containsKey("price") ? item.get("price").n() : null);
      if (item.containsKey("stock")) {
        state.put("stock", Long.parseLong(item.get("stock").n()));
      } else {
        state.putNull("stock");
      }
    } else if (pk.startsWith("PRODUCT#") && sk.startsWith("WAITLIST#")) {
      state.put("channel", item.containsKey("email") ? "email" : "sms").put("notifiedAt", text(item, "notifiedAt"));
    } else if (pk.startsWith("SESSION#") && sk.equals("SESSION")) {
      state.put("userId", text(item, "userId")).put("expiresAt", item.containsKey("expiresAt")
          ? Instant.ofEpochSecond(Long.parseLong(item.get("expiresAt").n())).toString() : null);
    } else {
      return null;
    }
    return normalised(state);
  }

  /**
   * Differences between a scan of the table and the sink, at most {@code limit} of them, each one line: an item
   * missing from the sink or deleted there, a state that differs, a live sink row for an item the table lacks.
   */
  public List<String> differences(List<Map<String, AttributeValue>> scan, Map<String, ReferenceSink.Row> sink,
      int limit) {
    List<String> differences = new ArrayList<>();
    Set<String> inTable = new TreeSet<>();
    for (Map<String, AttributeValue> item : scan) {
      JsonNode expected = stateOf(item);
      if (expected == null) {
        continue;
      }
      String subject = subject(item);
      inTable.add(subject);
      ReferenceSink.Row row = sink.get(subject);
      if (row == null) {
        differences.add(subject + ": in the table, never in the sink");
      } else if (row.deleted()) {
        differences.add(subject + ": in the table, deleted in the sink at " + row.version());
      } else if (!normalised(row.state()).equals(expected)) {
        differences.add(subject + ": sink " + row.state() + " at " + row.version() + ", table " + expected);
      }
    }
    sink.forEach((subject, row) -> {
      if (!row.deleted() && !inTable.contains(subject)) {
        differences.add(subject + ": live in the sink at " + row.version() + ", not in the table");
      }
    });
    return differences.subList(0, Math.min(limit, differences.size()));
  }

  /**
   * Every decimal string as its plain form without trailing zeros (DynamoDB and the contract may spell 1.50 as 1.5),
   * every whole number as a long.
   */
  private static JsonNode normalised(JsonNode node) {
    JsonNode copy = node.deepCopy();
    normalise(copy);
    return copy;
  }

  private static void normalise(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (field.getValue().isTextual() && field.getValue().asText().matches("-?[0-9]+(\\.[0-9]+)?")) {
          field.setValue(NODES.textNode(new BigDecimal(field.getValue().asText()).stripTrailingZeros()
              .toPlainString()));
        } else if (field.getValue().isIntegralNumber()) {
          field.setValue(NODES.numberNode(field.getValue().asLong())); // 17 read back is an int, written here a long
        } else {
          normalise(field.getValue());
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(ExpectedStates::normalise);
    }
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  private String hash(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(piiKey);
      return HexFormat.of().formatHex(mac.doFinal(value.trim().toLowerCase(Locale.ROOT)
          .getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
