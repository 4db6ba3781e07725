package dev.shopstream.pipeline.tracing;

import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.net.URI;
import java.util.Optional;

/**
 * OpenTelemetry tracing.
 *
 * @param endpoint where spans go (OTLP/HTTP); empty: tracing off
 * @param attribute the item attribute holding the writer's traceparent
 */
public record TracingSettings(Optional<URI> endpoint, String attribute) {
  public static final Setting<Optional<URI>> ENDPOINT = Setting.url("SHOP_TRACING_ENDPOINT",
      "OpenTelemetry tracing: the OTLP/HTTP (protobuf) URL spans are sent to, a collector's base URL such as "
          + "http://127.0.0.1:4318 (/v1/traces is added) or its full traces URL. A process span per stream record, "
          + "spans of the claims, SES and SNS calls, the trace context passed on to SNS and the analytics envelope "
          + "(docs/observability.md, Tracing). Empty: tracing off, no span made.");
  public static final Setting<String> ATTRIBUTE = Setting.text("SHOP_TRACING_ATTRIBUTE", "traceparent",
      Rule.pattern("[A-Za-z0-9_.-]{1,255}", "1-255 letters, digits, '_', '.', '-' (a DynamoDB attribute name)"),
      "Item attribute (a string) where the writer puts its W3C trace context (a traceparent value such as 00-<trace "
          + "id>-<span id>-01): a record whose new image carries it is processed in the writer's trace. Only with "
          + "SHOP_TRACING_ENDPOINT.");

  public static TracingSettings read(SettingValues values) {
    return new TracingSettings(values.get(ENDPOINT), values.get(ATTRIBUTE));
  }
}
