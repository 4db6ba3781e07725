package dev.shopstream.pipeline.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the worker measures beyond its own records. Meanings and ranges: {@link ConfigKey#FLEET_VIEW_MILLIS}
 * {@link ConfigKey#KCL_METRICS_LEVEL}, {@link ConfigKey#TRACING_ENDPOINT} and {@link ConfigKey#TRACING_ATTRIBUTE}.
 *
 * @param fleetViewInterval how often the lease table is read for the fleet view (and this worker's shards reported in
 * it)
 * @param kclMetricsLevel how much of KCL's own metrics is recorded
 * @param tracingEndpoint where spans go (OTLP/HTTP); empty: tracing off
 * @param tracingAttribute the item attribute holding the writer's traceparent
 */
public record ObservabilitySettings(Duration fleetViewInterval, KclMetricsLevel kclMetricsLevel,
    Optional<URI> tracingEndpoint, String tracingAttribute) {
  public ObservabilitySettings {
    Objects.requireNonNull(fleetViewInterval, "fleetViewInterval");
    Objects.requireNonNull(kclMetricsLevel, "kclMetricsLevel");
    Objects.requireNonNull(tracingEndpoint, "tracingEndpoint");
    Objects.requireNonNull(tracingAttribute, "tracingAttribute");
  }
}
