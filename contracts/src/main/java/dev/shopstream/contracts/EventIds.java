package dev.shopstream.contracts;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic event ids: a name-based UUID of (table, shard, sequence number, event type).
 *
 * <p>The same stream record always yields the same ids, however often it is delivered or replayed,
 * so downstream deduplication can key on them. One record can yield several events of different
 * types (a restock is both a stock change and a back-in-stock), hence the type in the name.
 */
public final class EventIds {
  private EventIds() {}

  public static String of(EventSource source, EventType type) {
    String name = String.join("\n", source.table(), source.shardId(), source.sequenceNumber(), type.wireName());
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /**
   * The id of a snapshot row's state: a name-based UUID of (table, export id, item key, type), so a
   * resumed or repeated run of the same export gives the same ids, and different exports different ones.
   */
  public static String ofSnapshot(String table, String exportId, EntityKey key, EventType type) {
    String name = String.join("\n", table, "export", exportId, key.partitionKey(), key.sortKey(), type.wireName());
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
