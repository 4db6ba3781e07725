package dev.shopstream.contracts.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shopstream.contracts.AnalyticsSchemas;
import dev.shopstream.contracts.EventType;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaCompatibilityTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The released schema most tests change one thing in. */
  private static final String RELEASED = """
      {'type': 'object', 'additionalProperties': false, 'required': ['id', 'status'],
       'properties': {
         'id': {'type': 'string', 'minLength': 1},
         'status': {'type': 'string', 'enum': ['PLACED', 'SHIPPED']},
         'note': {'type': ['string', 'null']},
         'quantity': {'type': 'integer', 'minimum': 1},
         'items': {'type': 'array', 'items': {
           'type': 'object', 'required': ['sku', 'unitPrice'],
           'properties': {'sku': {'type': 'string', 'pattern': '^[A-Z]+$'}, 'unitPrice': {'type': 'string'}}}}}}
      """;

  @Test
  void anUnchangedSchemaIsCompatible() {
    assertThat(changes(RELEASED, RELEASED)).isEmpty();
  }

  @Test
  void removingAPropertyIsBreaking() {
    String current = RELEASED.replace("'note': {'type': ['string', 'null']},", "");

    assertThat(changes(RELEASED, current)).containsExactly("t v1: property 'note' was removed");
  }

  @Test
  void retypingAPropertyIsBreaking() {
    String current = RELEASED.replace("'id': {'type': 'string'", "'id': {'type': 'integer'");

    assertThat(changes(RELEASED, current)).containsExactly("t v1: property 'id' changed type from [string] to "
        + "[integer]");
  }

  @Test
  void wideningAPropertyToNullableIsBreaking() {
    String current = RELEASED.replace("'id': {'type': 'string'", "'id': {'type': ['string', 'null']");

    assertThat(changes(RELEASED, current))
        .containsExactly("t v1: property 'id' changed type from [string] to [string, null]");
  }

  @Test
  void wideningIntegerToNumberIsBreakingButNarrowingNumberToIntegerIsNot() {
    String asNumber = RELEASED.replace("'quantity': {'type': 'integer'", "'quantity': {'type': 'number'");

    assertThat(changes(RELEASED, asNumber))
        .containsExactly("t v1: property 'quantity' changed type from [integer] to [number]");
    assertThat(changes(asNumber, RELEASED)).isEmpty();
  }

  @Test
  void droppingTheTypeIsBreaking() {
    String current = RELEASED.replace("'id': {'type': 'string', 'minLength': 1}", "'id': {'minLength': 1}");

    assertThat(changes(RELEASED, current)).containsExactly("t v1: property 'id' changed type from [string] to any "
        + "type");
  }

  @Test
  void narrowingNullableToNonNullIsCompatible() {
    String current = RELEASED.replace("'note': {'type': ['string', 'null']}", "'note': {'type': 'string'}");

    assertThat(changes(RELEASED, current)).isEmpty();
    assertThat(changes(current, RELEASED)).as("the reverse widens").hasSize(1);
  }

  @Test
  void makingAPropertyNewlyRequiredIsBreaking() {
    String current = RELEASED.replace("'required': ['id', 'status']", "'required': ['id', 'status', 'note']");

    assertThat(changes(RELEASED, current)).containsExactly("t v1: property 'note' became required");
  }

  @Test
  void makingARequiredPropertyOptionalIsBreaking() {
    String current = RELEASED.replace("'required': ['id', 'status']", "'required': ['id']");

    assertThat(changes(RELEASED, current)).containsExactly("t v1: property 'status' is no longer required");
  }

  @Test
  void wideningAnEnumIsBreakingButNarrowingItIsNot() {
    String widened = RELEASED.replace("['PLACED', 'SHIPPED']", "['PLACED', 'SHIPPED', 'CANCELLED']");
    String narrowed = RELEASED.replace("['PLACED', 'SHIPPED']", "['PLACED']");

    assertThat(changes(RELEASED, widened)).containsExactly(
        "t v1: property 'status' enum now also allows [\"CANCELLED\"]");
    assertThat(changes(RELEASED, narrowed)).isEmpty();
  }

  @Test
  void droppingAnEnumIsBreaking() {
    String current = RELEASED.replace(", 'enum': ['PLACED', 'SHIPPED']", "");

    assertThat(changes(RELEASED, current))
        .containsExactly("t v1: property 'status' is no longer restricted to enum [\"PLACED\",\"SHIPPED\"]");
  }

  @Test
  void removingAPropertyOfArrayItemsIsBreaking() {
    String current = RELEASED
        .replace("'required': ['sku', 'unitPrice']", "'required': ['sku']")
        .replace(", 'unitPrice': {'type': 'string'}", "");

    assertThat(changes(RELEASED, current)).containsExactly("t v1: property 'items[].unitPrice' was removed");
  }

  @Test
  void retypingAPropertyOfArrayItemsIsBreaking() {
    String current = RELEASED.replace("'unitPrice': {'type': 'string'}", "'unitPrice': {'type': 'number'}");

    assertThat(changes(RELEASED, current))
        .containsExactly("t v1: property 'items[].unitPrice' changed type from [string] to [number]");
  }

  @Test
  void droppingTheItemsSchemaIsBreaking() {
    JsonNode released = inline(RELEASED);
    JsonNode current = released.deepCopy();
    ((ObjectNode) current.at("/properties/items")).remove("items");

    assertThat(SchemaCompatibility.breakingChanges("t v1", released, current))
        .containsExactly("t v1: property 'items' no longer constrains its items");
  }

  @Test
  void addingAnOptionalPropertyIsCompatible() {
    String current = RELEASED.replace("'properties': {", "'properties': {'channel': {'type': 'string'},");

    assertThat(current).contains("channel");
    assertThat(changes(RELEASED, current)).isEmpty();
  }

  @Test
  void looseningOrChangingAConstraintIsBreakingButTighteningIsNot() {
    String loosened = RELEASED.replace("'minimum': 1", "'minimum': 0").replace("'^[A-Z]+$'", "'^[A-Za-z]+$'");
    String tightened = RELEASED.replace("'minimum': 1", "'minimum': 2").replace("'minLength': 1",
        "'minLength': 1, 'maxLength': 64");

    assertThat(changes(RELEASED, loosened)).containsExactly(
        "t v1: property 'quantity' loosened 'minimum' from 1 to 0",
        "t v1: property 'items[].sku' changed 'pattern' from \"^[A-Z]+$\" to \"^[A-Za-z]+$\"");
    assertThat(changes(RELEASED, tightened)).isEmpty();
  }

  @Test
  void everyBreakingChangeIsReportedNotOnlyTheFirst() {
    String current = RELEASED
        .replace("'note': {'type': ['string', 'null']},", "")
        .replace("'id': {'type': 'string'", "'id': {'type': 'integer'")
        .replace("'required': ['id', 'status']", "'required': ['id', 'status', 'quantity']");

    assertThat(changes(RELEASED, current)).hasSize(3);
  }

  @Test
  void findsARetypedFieldInARealSchema() {
    JsonNode released = parse(AnalyticsSchemas.read(EventType.ORDER_PLACED, 1));
    JsonNode current = released.deepCopy();
    ObjectNode unitPrice = (ObjectNode) current.at("/properties/items/items/properties/unitPrice");
    unitPrice.put("type", "number").remove("pattern");

    assertThat(SchemaCompatibility.breakingChanges("order-placed v1", released, current)).containsExactly(
        "order-placed v1: property 'items[].unitPrice' changed type from [string] to [number]",
        "order-placed v1: property 'items[].unitPrice' dropped 'pattern' \"^-?[0-9]+(\\\\.[0-9]+)?$\"");
  }

  private static List<String> changes(String released, String current) {
    return SchemaCompatibility.breakingChanges("t v1", inline(released), inline(current));
  }

  /** Inline schemas use single quotes for readability. */
  private static JsonNode inline(String json) {
    return parse(json.replace('\'', '"'));
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Bad test schema: " + json, e);
    }
  }
}
