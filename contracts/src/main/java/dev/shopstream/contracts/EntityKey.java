package dev.shopstream.contracts;

import java.util.Objects;

/** Primary key of a single-table item: partition key and sort key, e.g. {@code USER#42 / PROFILE}. */
public record EntityKey(String partitionKey, String sortKey) {
  public EntityKey {
    Objects.requireNonNull(partitionKey, "partitionKey");
    Objects.requireNonNull(sortKey, "sortKey");
  }

  @Override
  public String toString() {
    return partitionKey + " / " + sortKey;
  }
}
