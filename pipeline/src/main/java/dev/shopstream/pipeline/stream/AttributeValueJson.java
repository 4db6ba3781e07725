package dev.shopstream.pipeline.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB's JSON form of attribute values ({@code {"S":"x"}}, {@code {"N":"1"}}, ...), both ways. */
public final class AttributeValueJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AttributeValueJson() {}

  public static Map<String, AttributeValue> readItem(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("an item must be a JSON object, was " + node.getNodeType());
    }
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      item.put(field.getKey(), read(field.getValue(), field.getKey()));
    }
    return item;
  }

  public static AttributeValue read(JsonNode node, String path) {
    if (node == null || !node.isObject() || node.size() != 1) {
      throw new IllegalArgumentException("attribute '" + path + "' must be an object with exactly one type key");
    }
    Map.Entry<String, JsonNode> typed = node.fields().next();
    JsonNode value = typed.getValue();
    return switch (typed.getKey()) {
      case "S" -> AttributeValue.fromS(value.asText());
      case "N" -> AttributeValue.fromN(value.asText());
      case "BOOL" -> AttributeValue.fromBool(value.asBoolean());
      case "NULL" -> AttributeValue.fromNul(true);
      case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(value.asText())));
      case "SS" -> AttributeValue.fromSs(texts(value));
      case "NS" -> AttributeValue.fromNs(texts(value));
      case "BS" -> AttributeValue.fromBs(texts(value).stream()
          .map(b -> SdkBytes.fromByteArray(Base64.getDecoder().decode(b))).toList());
      case "L" -> {
        List<AttributeValue> list = new ArrayList<>();
        int i = 0;
        for (JsonNode element : value) {
          list.add(read(element, path + "[" + i++ + "]"));
        }
        yield AttributeValue.fromL(list);
      }
      case "M" -> AttributeValue.fromM(readItem(value));
      default -> throw new IllegalArgumentException("attribute '" + path + "' has unknown type '"
          + typed.getKey() + "'");
    };
  }

  public static ObjectNode writeItem(Map<String, AttributeValue> item) {
    ObjectNode node = NODES.objectNode();
    item.forEach((name, value) -> node.set(name, write(value)));
    return node;
  }

  public static ObjectNode write(AttributeValue value) {
    ObjectNode node = NODES.objectNode();
    switch (value.type()) {
      case S -> node.put("S", value.s());
      case N -> node.put("N", value.n());
      case BOOL -> node.put("BOOL", value.bool());
      case NUL -> node.put("NULL", true);
      case B -> node.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
      case SS -> node.set("SS", array(value.ss()));
      case NS -> node.set("NS", array(value.ns()));
      case BS -> node.set("BS", array(value.bs().stream()
          .map(b -> Base64.getEncoder().encodeToString(b.asByteArray())).toList()));
      case L -> {
        ArrayNode list = node.putArray("L");
        value.l().forEach(element -> list.add(write(element)));
      }
      case M -> node.set("M", writeItem(value.m()));
      default -> throw new IllegalArgumentException("attribute value of unknown type: " + value);
    }
    return node;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(element -> texts.add(element.asText()));
    return texts;
  }

  private static ArrayNode array(List<String> values) {
    ArrayNode array = NODES.arrayNode();
    values.forEach(array::add);
    return array;
  }
}
