package dev.shopstream.pipeline.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Reads every lease of an application: one strongly consistent Scan of KCL's lease table (a page holds
 * up to 1 MB, some thousands of leases; 8 leases are ~4 KB, one read unit).
 */
final class LeaseTableScan {
  static final String LEASE_KEY = "leaseKey";
  static final String OWNER = "leaseOwner";
  static final String COUNTER = "leaseCounter";
  static final String CHECKPOINT = "checkpoint";
  /** Written by the holder ({@link LeaseReports}); KCL ignores attributes it does not know. */
  static final String REPORTED_LAG_MILLIS = "shopLagMillis";
  static final String REPORTED_CHECKPOINT_AT = "shopCheckpointAt";
  static final String REPORTED_AT = "shopReportedAt";
  static final String REPORTED_BY = "shopReportedBy";

  private final DynamoDbClient dynamo;
  private final String table;

  LeaseTableScan(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  String table() {
    return table;
  }

  List<Lease> read() {
    List<Lease> leases = new ArrayList<>();
    try {
      for (Map<String, AttributeValue> item : dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true))
          .items()) {
        leases.add(lease(item));
      }
    } catch (ResourceNotFoundException e) {
      throw new IllegalStateException("no lease table '" + table + "': has a worker with this "
          + "SHOP_APPLICATION_NAME ever run against this account and region?", e);
    }
    return leases;
  }

  /** One lease, read strongly consistent; null when the table has no lease of that shard. */
  Lease read(String shardId) {
    Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
        .key(Map.of(LEASE_KEY, AttributeValue.fromS(shardId)))).item();
    return item == null || item.isEmpty() ? null : lease(item);
  }

  private static Lease lease(Map<String, AttributeValue> item) {
    return new Lease(text(item, LEASE_KEY), text(item, OWNER), number(item, COUNTER), text(item, CHECKPOINT),
        number(item, REPORTED_LAG_MILLIS), instant(item, REPORTED_CHECKPOINT_AT), instant(item, REPORTED_AT),
        text(item, REPORTED_BY));
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  private static Long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    if (value == null || value.n() == null) {
      return null;
    }
    try {
      return Long.parseLong(value.n());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Instant instant(Map<String, AttributeValue> item, String name) {
    Long millis = number(item, name);
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }
}
