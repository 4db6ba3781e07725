package dev.shopstream.pipeline.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What the worker measures beyond its own records. Meanings and ranges: {@link ConfigKey#FLEET_VIEW_MILLIS}
 * and {@link ConfigKey#KCL_METRICS_LEVEL}.
 *
 * @param fleetViewInterval how often the lease table is read for the fleet view (and this worker's shards reported in it)
 * @param kclMetricsLevel how much of KCL's own metrics is recorded
 */
public record ObservabilitySettings(Duration fleetViewInterval, KclMetricsLevel kclMetricsLevel) {
  public ObservabilitySettings {
    Objects.requireNonNull(fleetViewInterval, "fleetViewInterval");
    Objects.requireNonNull(kclMetricsLevel, "kclMetricsLevel");
  }
}
