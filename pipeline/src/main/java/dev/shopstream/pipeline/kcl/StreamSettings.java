package dev.shopstream.pipeline.kcl;

import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.time.Duration;

/**
 * The table whose stream is read, and how it is polled.
 *
 * @param pollIdle the pause between GetRecords calls per shard
 */
public record StreamSettings(String table, Duration pollIdle, int maxRecordsPerPoll) {
  public static final Setting<String> TABLE = Setting.text("SHOP_TABLE", "shop", Rule.pattern("[A-Za-z0-9_.-]{3,255}",
      "3-255 characters of letters, digits, '_', '-', '.' (a DynamoDB table name)"),
      "Name of the single table whose stream is consumed.");
  public static final Setting<Duration> POLL_IDLE = Setting.millis("SHOP_POLL_IDLE_MILLIS", 250, 10, 60_000,
      "Pause between GetRecords calls per shard. Bounds latency (about this much plus processing) and API calls.");
  public static final Setting<Integer> MAX_RECORDS_PER_POLL = Setting.integer("SHOP_MAX_RECORDS_PER_POLL", 1000, 1,
      1000, "Records per GetRecords call.");

  public static StreamSettings read(SettingValues values) {
    return new StreamSettings(values.get(TABLE), values.get(POLL_IDLE), values.get(MAX_RECORDS_PER_POLL));
  }
}
