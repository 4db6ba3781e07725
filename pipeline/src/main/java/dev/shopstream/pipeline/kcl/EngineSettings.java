package dev.shopstream.pipeline.kcl;

import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.time.Duration;

/**
 * How a shard's records are handled between KCL's deliveries: the window of records in flight, how often
 * progress is checkpointed, how long a stop and a held record may take.
 *
 * @param maxInFlight records of one shard handled at once
 * @param maxInFlightBytes stream-record bytes one shard holds at once
 * @param checkpointInterval how often a long batch checkpoints what is handled
 * @param shutdownTimeout how long a stop may take
 * @param readyMaxHold how long a held record keeps the worker ready
 */
public record EngineSettings(int maxInFlight, long maxInFlightBytes, Duration checkpointInterval,
    Duration shutdownTimeout, Duration readyMaxHold) {
  static final int MAX_IN_FLIGHT_LIMIT = 1024;
  /** Threads of the record pool per record a shard may hold in flight. */
  static final int THREADS_PER_IN_FLIGHT = 4;

  public static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer("SHOP_MAX_IN_FLIGHT", 128, 1,
      MAX_IN_FLIGHT_LIMIT,
      "Records of one shard handled at once: records of one partition key always one at a time in stream order, "
          + "different keys concurrently. Also how far a shard runs ahead of a held record. 1: strictly one record "
          + "after another. The worker runs records on one pool of 4 x this many threads.");
  public static final Setting<Long> MAX_IN_FLIGHT_BYTES = Setting.number("SHOP_MAX_IN_FLIGHT_BYTES", 8_388_608,
      65_536, 1_073_741_824L,
      "Bytes of stream records (DynamoDB's SizeBytes: keys and images) one shard holds at once, besides "
          + "SHOP_MAX_IN_FLIGHT: a catch-up through large items waits for room instead of filling the heap (the "
          + "records take a few times this much heap). A record larger than this alone is still taken, alone. The "
          + "default fits the template's 2 GiB task with 8 shards per task.");
  public static final Setting<Duration> CHECKPOINT_INTERVAL = Setting.millis("SHOP_CHECKPOINT_INTERVAL_MILLIS", 1000,
      100, 60_000,
      "Inside a long batch, checkpoint the handled records at most this often (each batch's end is always "
          + "checkpointed). Bounds what a crash redelivers.");
  public static final Setting<Duration> READY_MAX_HOLD = Setting.seconds("SHOP_READY_MAX_HOLD_SECONDS", 300, 1,
      86_400,
      "/health/ready fails while a shard's oldest unhandled record has been held (retrying, or its dead-letter write "
          + "refused) this long; /health/live is not affected.");
  public static final Setting<Duration> SHUTDOWN_TIMEOUT = Setting.seconds("SHOP_SHUTDOWN_TIMEOUT_SECONDS", 20, 1,
      120,
      "On SIGTERM: how long to finish in-flight records, checkpoint and release leases (keep it below ECS's stop "
          + "timeout).");

  public EngineSettings {
    if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT_LIMIT) {
      throw new IllegalArgumentException("maxInFlight must be 1.." + MAX_IN_FLIGHT_LIMIT + ", got " + maxInFlight);
    }
  }

  public static EngineSettings read(SettingValues values) {
    return new EngineSettings(values.get(MAX_IN_FLIGHT), values.get(MAX_IN_FLIGHT_BYTES),
        values.get(CHECKPOINT_INTERVAL), values.get(SHUTDOWN_TIMEOUT), values.get(READY_MAX_HOLD));
  }

  /** Threads of the one record pool: enough for four shards with full windows, at most 1024. */
  public int recordThreads() {
    return (int) Math.min(MAX_IN_FLIGHT_LIMIT, (long) maxInFlight * THREADS_PER_IN_FLIGHT);
  }
}
