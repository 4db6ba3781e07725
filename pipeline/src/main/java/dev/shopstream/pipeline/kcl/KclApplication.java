package dev.shopstream.pipeline.kcl;

import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.util.List;
import java.util.Objects;

/**
 * Who this process is to KCL: the application whose lease tables it shares, its worker id in them, and
 * where a shard without a checkpoint starts. A replay runs as an application of its own.
 *
 * @param name the KCL application name (names the lease table and its two companions)
 * @param workerId this process's identity in the lease table
 */
public record KclApplication(String name, String workerId, StartPosition initialPosition) {
  public static final Setting<String> NAME = Setting.text("SHOP_APPLICATION_NAME", "shop-stream-worker",
      Rule.pattern("[A-Za-z0-9_.-]{3,200}", "3-200 characters of letters, digits, '_', '-', '.' (it names DynamoDB "
          + "tables)"),
      "KCL application name: names the lease table and its two companion tables. Workers sharing it share the "
          + "shards.");
  public static final Setting<String> WORKER_ID = Setting.text("SHOP_WORKER_ID", "",
      Rule.pattern("|[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}",
          "empty, or 1-128 letters, digits, '_', '.', ':', '@', '-' starting with a letter or digit"),
      "Identity of this worker in the lease table; it must be unique per running process (two tasks with one id "
          + "would both hold its leases): run refuses to start under an id whose leases another running worker "
          + "renews. Empty (recommended): host name plus a random suffix.");
  public static final Setting<StartPosition> INITIAL_POSITION = Setting.choice("SHOP_INITIAL_POSITION",
      StartPosition.LATEST,
      "Where a shard without a checkpoint starts: LATEST (new writes only) or TRIM_HORIZON (oldest record kept, up "
          + "to 24 h back). Checkpointed shards always resume after their checkpoint.");

  /** Where a shard without a checkpoint starts. */
  public enum StartPosition { LATEST, TRIM_HORIZON }

  public KclApplication {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(initialPosition, "initialPosition");
  }

  /** @param defaultWorkerId used when {@code SHOP_WORKER_ID} is empty */
  public static KclApplication read(SettingValues values, String defaultWorkerId) {
    String workerId = values.get(WORKER_ID);
    return new KclApplication(values.get(NAME), workerId.isEmpty() ? defaultWorkerId : workerId,
        values.get(INITIAL_POSITION));
  }

  /** The three tables KCL 3 keeps for an application: leases, coordinator state, worker metrics. */
  public static List<String> leaseTables(String applicationName) {
    return List.of(applicationName, applicationName + "-CoordinatorState", applicationName + "-WorkerMetricStats");
  }

  public List<String> leaseTables() {
    return leaseTables(name);
  }
}
