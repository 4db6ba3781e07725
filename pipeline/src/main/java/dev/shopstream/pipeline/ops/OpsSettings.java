package dev.shopstream.pipeline.ops;

import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;

/**
 * What operators reach: the health and metrics endpoints, and the log format.
 *
 * @param httpPort 0: a free port
 */
public record OpsSettings(String httpHost, int httpPort) {
  public static final Setting<String> HTTP_HOST = Setting.text("SHOP_HTTP_HOST", "127.0.0.1", Rule.nonBlank(),
      "Interface of the health and metrics endpoints. Loopback by default (the task's health check and metrics "
          + "sidecar share its network); 0.0.0.0 only for a scraper outside the task.");
  public static final Setting<Integer> HTTP_PORT = Setting.integer("SHOP_HTTP_PORT", 8080, 0, 65_535,
      "Port of /health/live, /health/ready and /metrics (Prometheus); 0 picks a free port.");
  /** Read by logback (logback.xml); declared here so that it is checked and documented. */
  public static final Setting<String> LOG_FORMAT = Setting.text("SHOP_LOG_FORMAT", "json", Rule.oneOf("json", "text"),
      "Log lines on stdout: json (one JSON object per line, for CloudWatch) or text.");

  public static OpsSettings read(SettingValues values) {
    values.get(LOG_FORMAT);
    return new OpsSettings(values.get(HTTP_HOST), values.get(HTTP_PORT));
  }
}
