package dev.shopstream.pipeline.fleet;

import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.time.Duration;

/** How often the fleet view reads the lease table (and this worker reports its shards into their leases). */
public record FleetViewSettings(Duration interval) {
  public static final Setting<Duration> INTERVAL = Setting.millis("SHOP_FLEET_VIEW_MILLIS", 15_000, 1000, 600_000,
      "How often the worker reads the lease table for the fleet view (every shard's owner, checkpoint age and lag in "
          + "the shop_fleet_* metrics) and writes its own shards' lag and checkpoint time into their leases: per "
          + "worker one Scan of the lease table and one conditional UpdateItem per lease held; the stream's shards "
          + "are listed at most once a minute; a shard nobody holds costs two stream reads for each new checkpoint. "
          + "Also the refresh of status --watch.");

  public static FleetViewSettings read(SettingValues values) {
    return new FleetViewSettings(values.get(INTERVAL));
  }
}
