package dev.shopstream.handlers.analytics;

import dev.shopstream.contracts.EntityKey;
import dev.shopstream.handlers.FifoGroupIds;

/** FIFO message group of an entity: its key as {@code PK/SK} ({@link FifoGroupIds}), so each entity keeps one group. */
final class MessageGroups {
  private MessageGroups() {}

  static String of(EntityKey key) {
    return FifoGroupIds.of(key.partitionKey() + "/" + key.sortKey());
  }
}
