package dev.shopstream.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the published JSON Schemas (draft 2020-12) of the analytics contract live, one file per
 * event type and version, under {@code /schemas/analytics/<wireName>/v<version>.json} on the
 * classpath.
 *
 * <p>Schema versions are immutable once released: consumers rely on them. A change that is
 * breaking for consumers (a removed or retyped field, a newly required field, a widened enum, ...)
 * needs a new version file ({@code v2.json}) and a bump of {@link #currentVersion}; the released
 * file stays as it is. The contract tests compare every released version with its file here.
 */
public final class AnalyticsSchemas {

  private static final String RESOURCE_ROOT = "/schemas/analytics/";
  private static final String ID_ROOT = "https://schemas.shopstream.dev/analytics/";

  /** The version producers emit today, per type. A new version is one line below. */
  private static final Map<EventType, Integer> CURRENT = new EnumMap<>(EventType.class);

  static {
    for (EventType type : EventType.values()) {
      CURRENT.put(type, 1);
    }
    // v2: stock may be negative (a backorder); v1 promised it never was.
    CURRENT.put(EventType.PRODUCT_STOCK_CHANGED, 2);
    CURRENT.put(EventType.PRODUCT_BACK_IN_STOCK, 2);
  }

  private AnalyticsSchemas() {}

  /** The schema version that producers currently emit for {@code type}. */
  public static int currentVersion(EventType type) {
    return CURRENT.get(Objects.requireNonNull(type, "type"));
  }

  /** Classpath resource of the schema, e.g. {@code /schemas/analytics/order-placed/v1.json}. */
  public static String resourcePath(EventType type, int version) {
    return RESOURCE_ROOT + relativePath(type, version);
  }

  /** The schema's {@code $id}, e.g. {@code https://schemas.shopstream.dev/analytics/order-placed/v1.json}. */
  public static URI schemaId(EventType type, int version) {
    return URI.create(ID_ROOT + relativePath(type, version));
  }

  /**
   * The schema document as text.
   *
   * @throws IllegalArgumentException if there is no schema for this type and version
   */
  public static String read(EventType type, int version) {
    String path = resourcePath(type, version);
    try (InputStream in = AnalyticsSchemas.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "No analytics schema for " + type.wireName() + " v" + version + ": classpath resource " + path
                + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + path, e);
    }
  }

  private static String relativePath(EventType type, int version) {
    Objects.requireNonNull(type, "type");
    if (version < 1) {
      throw new IllegalArgumentException("Schema versions start at 1, got " + version);
    }
    return type.wireName() + "/v" + version + ".json";
  }
}
