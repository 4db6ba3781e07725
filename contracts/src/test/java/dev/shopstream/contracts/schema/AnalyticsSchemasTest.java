package dev.shopstream.contracts.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion.VersionFlag;
import dev.shopstream.contracts.AnalyticsSchemas;
import dev.shopstream.contracts.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The published analytics schemas: present, well-formed draft 2020-12, and released versions kept compatible. */
class AnalyticsSchemasTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RELEASED_ROOT = "/released-schemas/analytics";
  private static final Pattern VERSION_FILE = Pattern.compile("v([1-9][0-9]*)\\.json");

  /** Resolves our {@code $id}s to the main resources, so loading by id proves the id matches the file. */
  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(
      VersionFlag.V202012,
      builder -> builder.schemaMappers(mappers ->
          mappers.mapPrefix("https://schemas.shopstream.dev/analytics/", "classpath:schemas/analytics/")));

  @Test
  void everyTypeIsAtVersionOneTodayExceptTheStockEventsWhichAllowABackorder() {
    for (EventType type : EventType.values()) {
      int expected = type == EventType.PRODUCT_STOCK_CHANGED || type == EventType.PRODUCT_BACK_IN_STOCK ? 2 : 1;
      assertThat(AnalyticsSchemas.currentVersion(type)).as(type.wireName()).isEqualTo(expected);
    }
  }

  @Test
  void pathAndIdAreDerivedFromTheWireNameAndVersion() {
    assertThat(AnalyticsSchemas.resourcePath(EventType.ORDER_PLACED, 1))
        .isEqualTo("/schemas/analytics/order-placed/v1.json");
    assertThat(AnalyticsSchemas.schemaId(EventType.SESSION_ENDED, 3))
        .isEqualTo(URI.create("https://schemas.shopstream.dev/analytics/session-ended/v3.json"));
  }

  @Test
  void readingAMissingSchemaFailsWithAClearMessage() {
    assertThatThrownBy(() -> AnalyticsSchemas.read(EventType.ORDER_PLACED, 99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("order-placed v99")
        .hasMessageContaining("/schemas/analytics/order-placed/v99.json");
    assertThatThrownBy(() -> AnalyticsSchemas.read(EventType.ORDER_PLACED, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void currentSchemaExistsAndNamesItself(EventType type) {
    int version = AnalyticsSchemas.currentVersion(type);
    JsonNode schema = parse(AnalyticsSchemas.read(type, version));

    assertThat(schema.path("$schema").asText()).isEqualTo(SchemaId.V202012);
    assertThat(schema.path("$id").asText()).isEqualTo(AnalyticsSchemas.schemaId(type, version).toString());
    assertThat(schema.path("title").asText()).isEqualTo(type.wireName() + " v" + version);
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void currentSchemaIsAValidDraft202012Schema(EventType type) {
    int version = AnalyticsSchemas.currentVersion(type);
    JsonNode schema = parse(AnalyticsSchemas.read(type, version));

    assertThat(metaSchema().validate(schema)).isEmpty();

    JsonSchema loaded = FACTORY.getSchema(SchemaLocation.of(AnalyticsSchemas.schemaId(type, version).toString()));
    loaded.initializeValidators();
    assertThat(loaded.validate(JSON.createObjectNode())).as("an empty message must be rejected").isNotEmpty();
  }

  @Test
  void metaSchemaCheckRejectsAnInvalidSchema() {
    JsonNode invalid = parse("{\"type\": \"strnig\", \"required\": \"id\", \"minLength\": -1}");

    assertThat(metaSchema().validate(invalid)).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void releasedVersionsAreNeverDeleted() {
    List<String> missing = new ArrayList<>();
    for (Released released : releasedSchemas()) {
      if (released.type().isEmpty()) {
        missing.add(released.file() + ": event type '" + released.wireName() + "' no longer exists");
      } else if (current(released).isEmpty()) {
        missing.add(released.file() + ": " + AnalyticsSchemas.resourcePath(released.type().get(), released.version())
            + " is missing from the main resources");
      }
    }
    assertThat(missing)
        .withFailMessage(() -> "Released analytics schema versions were deleted; consumers still rely on them:\n  "
            + String.join("\n  ", missing))
        .isEmpty();
  }

  @Test
  void everyVersionTheWorkerPublishesIsKeptAsReleased() {
    List<String> unreleased = new ArrayList<>();
    for (EventType type : EventType.values()) {
      int version = AnalyticsSchemas.currentVersion(type);
      if (releasedSchemas().stream().noneMatch(r -> r.wireName().equals(type.wireName()) && r.version() == version)) {
        unreleased.add(type.wireName() + " v" + version + ": copy " + AnalyticsSchemas.resourcePath(type, version)
            + " to src/test/resources/released-schemas" + AnalyticsSchemas.resourcePath(type, version)
            .substring("/schemas".length()));
      }
    }
    assertThat(unreleased)
        .withFailMessage(() -> "Published analytics schema versions have no released copy, so nothing guards them "
            + "against breaking edits:\n  " + String.join("\n  ", unreleased))
        .isEmpty();
  }

  @Test
  void releasedVersionsAreStillCompatible() {
    List<Released> releasedSchemas = releasedSchemas();
    assertThat(releasedSchemas).as("released schemas under " + RELEASED_ROOT).isNotEmpty();

    List<String> breaking = new ArrayList<>();
    for (Released released : releasedSchemas) {
      current(released).ifPresent(current -> breaking.addAll(SchemaCompatibility.breakingChanges(
          released.wireName() + " v" + released.version(), parse(released.text()), parse(current))));
    }
    assertThat(breaking)
        .withFailMessage(() -> "Released analytics schemas were changed in a way that breaks consumers:\n  "
            + String.join("\n  ", breaking)
            + "\nReleased versions are immutable. Revert these edits and put the change in a new version file"
            + " (v<N+1>.json next to the released one), then bump AnalyticsSchemas.currentVersion.")
        .isEmpty();
  }

  /** The released copy, identified by its folder (wire name) and file name (version). */
  private record Released(Path file, String wireName, int version) {
    Optional<EventType> type() {
      return EventType.fromWireName(wireName);
    }

    String text() {
      try {
        return Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static List<Released> releasedSchemas() {
    URL root = AnalyticsSchemasTest.class.getResource(RELEASED_ROOT);
    assertThat(root).as("classpath folder " + RELEASED_ROOT).isNotNull();
    try (Stream<Path> files = Files.walk(Path.of(root.toURI()))) {
      return files
          .filter(file -> file.getFileName().toString().endsWith(".json"))
          .map(AnalyticsSchemasTest::released)
          .sorted(Comparator.comparing(Released::wireName).thenComparing(Released::version))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Released released(Path file) {
    Matcher name = VERSION_FILE.matcher(file.getFileName().toString());
    assertThat(name.matches()).as("released schema file name must be v<version>.json: " + file).isTrue();
    return new Released(file, file.getParent().getFileName().toString(), Integer.parseInt(name.group(1)));
  }

  private static Optional<String> current(Released released) {
    return released.type().flatMap(type -> {
      try {
        return Optional.of(AnalyticsSchemas.read(type, released.version()));
      } catch (IllegalArgumentException missing) {
        return Optional.empty();
      }
    });
  }

  private static JsonSchema metaSchema() {
    return FACTORY.getSchema(SchemaLocation.of(SchemaId.V202012));
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Not JSON: " + json, e);
    }
  }
}
