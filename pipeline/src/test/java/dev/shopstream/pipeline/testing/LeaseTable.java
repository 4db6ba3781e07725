package dev.shopstream.pipeline.testing;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** KCL's lease table read directly (one Scan): who holds which shard and where its checkpoint is. */
public final class LeaseTable {
  /** One lease: its owner (null: none) and checkpoint (a sequence number, TRIM_HORIZON, SHARD_END, ...). */
  public record Lease(String owner, String checkpoint) {}

  private final DynamoDbClient dynamo;
  private final String table;

  public LeaseTable(DynamoDbClient dynamo, String applicationName) {
    this.dynamo = dynamo;
    this.table = applicationName;
  }

  /** Shard id -> lease; empty while the table does not exist yet. */
  public Map<String, Lease> leases() {
    Map<String, Lease> leases = new TreeMap<>();
    try {
      for (Map<String, AttributeValue> item : dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true))
          .items()) {
        leases.put(text(item, "leaseKey"), new Lease(text(item, "leaseOwner"), text(item, "checkpoint")));
      }
    } catch (ResourceNotFoundException e) {
      // KCL has not created it yet
    }
    return leases;
  }

  /** Owner -> number of leases held, of the given shards. */
  public static Map<String, Integer> heldPerOwner(Map<String, Lease> leases, Collection<String> shards) {
    Map<String, Integer> held = new TreeMap<>();
    for (String shard : shards) {
      Lease lease = leases.get(shard);
      if (lease != null && lease.owner() != null) {
        held.merge(lease.owner(), 1, Integer::sum);
      }
    }
    return held;
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }
}
