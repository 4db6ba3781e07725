package dev.shopstream.contracts.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lists the changes between a released schema and the current file of the same type and version
 * that break existing consumers.
 *
 * <p>Direction: consumers written against the released (old) schema read messages produced under
 * the current (new) one. So a change is breaking when the new schema lets through a message the
 * old one promised would not happen. Breaking, at any depth (nested {@code properties} and array
 * {@code items}):
 *
 * <ul>
 *   <li>a property of old is missing in new;
 *   <li>the type set of new contains a type old did not allow ({@code string -> integer},
 *       {@code string -> [string, null]}, {@code integer -> number}, or {@code type} dropped);
 *   <li>a name required in new that old did not require (the published contract asks for that),
 *       and a name required in old that new no longer requires (consumers relied on it);
 *   <li>an {@code enum} in new with a value old did not allow, or an {@code enum} dropped;
 *   <li>an {@code items} schema dropped;
 *   <li>a bound loosened or dropped ({@code minimum}, {@code maxLength}, {@code minItems}, ...);
 *   <li>any other assertion keyword of old ({@code pattern}, {@code format}, {@code const},
 *       {@code uniqueItems}, {@code $ref}, ...) dropped or changed, because a different value
 *       cannot be proven narrower.
 * </ul>
 *
 * <p>Not breaking: narrowing ({@code [string, null] -> string}, {@code number -> integer}, fewer
 * enum values, tighter bounds), adding an optional property or a new assertion keyword, and
 * annotations ({@code title}, {@code description}, ...). {@code additionalProperties} is not
 * compared: consumers are expected to ignore fields they do not know, which is what makes adding
 * an optional property compatible in the first place.
 */
public final class SchemaCompatibility {

  private static final Set<String> HANDLED = Set.of("type", "enum", "required", "properties", "items");
  private static final Set<String> NOT_COMPARED = Set.of(
      "$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated", "readOnly",
      "writeOnly", "additionalProperties");
  private static final Set<String> LOWER_BOUNDS = Set.of(
      "minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains");
  private static final Set<String> UPPER_BOUNDS = Set.of(
      "maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains");

  private final String label;
  private final List<String> changes = new ArrayList<>();

  private SchemaCompatibility(String label) {
    this.label = label;
  }

  /**
   * Breaking changes from {@code released} to {@code current}, each naming its JSON path, e.g.
   * {@code "order-placed v1: property 'items[].unitPrice' changed type from [string] to [number]"}.
   *
   * @param label names the schema in the messages, e.g. {@code "order-placed v1"}
   * @return the breaking changes; empty when consumers of {@code released} can read {@code current}
   */
  public static List<String> breakingChanges(String label, JsonNode released, JsonNode current) {
    SchemaCompatibility check = new SchemaCompatibility(label);
    check.compare("", released, current);
    return List.copyOf(check.changes);
  }

  private void compare(String path, JsonNode old, JsonNode now) {
    compareType(path, old, now);
    compareEnum(path, old, now);
    compareRequired(path, old, now);
    compareProperties(path, old, now);
    compareItems(path, old, now);
    compareOtherKeywords(path, old, now);
  }

  private void compareType(String path, JsonNode old, JsonNode now) {
    if (!old.has("type")) {
      return; // old allowed every type already
    }
    Set<String> oldTypes = types(old.get("type"));
    if (!now.has("type")) {
      report(path, "changed type from " + oldTypes + " to any type");
      return;
    }
    Set<String> newTypes = types(now.get("type"));
    if (!newTypes.stream().allMatch(type -> allows(oldTypes, type))) {
      report(path, "changed type from " + oldTypes + " to " + newTypes);
    }
  }

  private void compareEnum(String path, JsonNode old, JsonNode now) {
    JsonNode oldValues = old.get("enum");
    if (oldValues == null) {
      return;
    }
    JsonNode newValues = now.get("enum");
    if (newValues == null) {
      report(path, "is no longer restricted to enum " + oldValues);
      return;
    }
    List<JsonNode> added = new ArrayList<>();
    newValues.forEach(value -> {
      if (!contains(oldValues, value)) {
        added.add(value);
      }
    });
    if (!added.isEmpty()) {
      report(path, "enum now also allows " + added);
    }
  }

  private void compareRequired(String path, JsonNode old, JsonNode now) {
    Set<String> oldRequired = names(old.get("required"));
    Set<String> newRequired = names(now.get("required"));
    for (String name : newRequired) {
      if (!oldRequired.contains(name)) {
        report(child(path, name), "became required");
      }
    }
    for (String name : oldRequired) {
      boolean removed = old.path("properties").has(name) && !now.path("properties").has(name);
      if (!newRequired.contains(name) && !removed) {
        report(child(path, name), "is no longer required");
      }
    }
  }

  private void compareProperties(String path, JsonNode old, JsonNode now) {
    JsonNode newProperties = now.path("properties");
    for (Map.Entry<String, JsonNode> property : old.path("properties").properties()) {
      String propertyPath = child(path, property.getKey());
      JsonNode newSchema = newProperties.get(property.getKey());
      if (newSchema == null) {
        report(propertyPath, "was removed");
      } else {
        compare(propertyPath, property.getValue(), newSchema);
      }
    }
  }

  private void compareItems(String path, JsonNode old, JsonNode now) {
    if (!old.has("items")) {
      return;
    }
    if (!now.has("items")) {
      report(path, "no longer constrains its items");
      return;
    }
    compare(path + "[]", old.get("items"), now.get("items"));
  }

  private void compareOtherKeywords(String path, JsonNode old, JsonNode now) {
    for (Map.Entry<String, JsonNode> keyword : old.properties()) {
      String name = keyword.getKey();
      if (HANDLED.contains(name) || NOT_COMPARED.contains(name)) {
        continue;
      }
      JsonNode was = keyword.getValue();
      JsonNode is = now.get(name);
      if (is == null) {
        report(path, "dropped '" + name + "' " + was);
      } else if (LOWER_BOUNDS.contains(name) && was.isNumber() && is.isNumber()) {
        if (decimal(is).compareTo(decimal(was)) < 0) {
          report(path, "loosened '" + name + "' from " + was + " to " + is);
        }
      } else if (UPPER_BOUNDS.contains(name) && was.isNumber() && is.isNumber()) {
        if (decimal(is).compareTo(decimal(was)) > 0) {
          report(path, "loosened '" + name + "' from " + was + " to " + is);
        }
      } else if (!was.equals(is)) {
        report(path, "changed '" + name + "' from " + was + " to " + is);
      }
    }
  }

  private void report(String path, String change) {
    String subject = path.isEmpty() ? "the schema root" : "property '" + path + "'";
    changes.add(label + ": " + subject + " " + change);
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** Whether a value of {@code type} was already allowed; every integer is also a number. */
  private static boolean allows(Set<String> allowed, String type) {
    return allowed.contains(type) || (type.equals("integer") && allowed.contains("number"));
  }

  private static Set<String> types(JsonNode type) {
    Set<String> types = new LinkedHashSet<>();
    if (type.isArray()) {
      type.forEach(t -> types.add(t.asText()));
    } else {
      types.add(type.asText());
    }
    return types;
  }

  private static Set<String> names(JsonNode array) {
    Set<String> names = new LinkedHashSet<>();
    if (array != null) {
      array.forEach(name -> names.add(name.asText()));
    }
    return names;
  }

  private static boolean contains(JsonNode array, JsonNode value) {
    for (JsonNode element : array) {
      if (element.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static BigDecimal decimal(JsonNode number) {
    return number.decimalValue();
  }
}
