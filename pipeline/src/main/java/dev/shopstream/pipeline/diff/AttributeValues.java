package dev.shopstream.pipeline.diff;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Converts attribute values to plain Java for event payloads (String, BigDecimal, Boolean, List, Map, Set). */
final class AttributeValues {
  private AttributeValues() {}

  static Object toPlain(AttributeValue value) {
    if (value == null) {
      return null;
    }
    return switch (value.type()) {
      case S -> value.s();
      case N -> new BigDecimal(value.n());
      case BOOL -> value.bool();
      case NUL -> null;
      case B -> value.b().asByteArray();
      case SS -> new LinkedHashSet<>(value.ss());
      case NS -> {
        LinkedHashSet<BigDecimal> numbers = new LinkedHashSet<>();
        value.ns().forEach(n -> numbers.add(new BigDecimal(n)));
        yield numbers;
      }
      case BS -> value.bs().stream().map(b -> b.asByteArray()).toList();
      case L -> {
        List<Object> list = new ArrayList<>();
        value.l().forEach(element -> list.add(toPlain(element)));
        yield list;
      }
      case M -> {
        Map<String, Object> map = new LinkedHashMap<>();
        value.m().forEach((k, v) -> map.put(k, toPlain(v)));
        yield map;
      }
      default -> throw new IllegalArgumentException("attribute value of unknown type");
    };
  }

  static String typeName(AttributeValue value) {
    return value.type() == AttributeValue.Type.NUL ? "NULL" : value.type().name();
  }
}
