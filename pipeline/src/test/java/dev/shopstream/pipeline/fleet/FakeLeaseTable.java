package dev.shopstream.pipeline.fleet;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** A lease table in memory, answering Scan as DynamoDB does (one page), with KCL's attribute names. */
final class FakeLeaseTable implements DynamoDbClient {
  private final Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
  int scans;
  /** The table does not exist (yet): Scan fails as DynamoDB's does. */
  boolean missing;

  FakeLeaseTable lease(String shard, String owner, long counter, String checkpoint) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("leaseKey", AttributeValue.fromS(shard));
    if (owner != null) {
      item.put("leaseOwner", AttributeValue.fromS(owner));
    }
    item.put("leaseCounter", AttributeValue.fromN(Long.toString(counter)));
    item.put("checkpoint", AttributeValue.fromS(checkpoint));
    items.put(shard, item);
    return this;
  }

  /** What a holder writes through {@link LeaseReports}. */
  FakeLeaseTable report(String shard, String by, long lagMillis, Instant checkpointAt, Instant at) {
    Map<String, AttributeValue> item = items.get(shard);
    item.put("shopLagMillis", AttributeValue.fromN(Long.toString(lagMillis)));
    item.put("shopCheckpointAt", AttributeValue.fromN(Long.toString(checkpointAt.toEpochMilli())));
    item.put("shopReportedAt", AttributeValue.fromN(Long.toString(at.toEpochMilli())));
    item.put("shopReportedBy", AttributeValue.fromS(by));
    return this;
  }

  /** KCL's renewal: the counter goes up. */
  void renew(String shard) {
    Map<String, AttributeValue> item = items.get(shard);
    item.put("leaseCounter", AttributeValue.fromN(Long.toString(Long.parseLong(item.get("leaseCounter").n()) + 1)));
  }

  @Override
  public ScanResponse scan(ScanRequest request) {
    scans++;
    if (missing) {
      throw ResourceNotFoundException.builder().message("Requested resource not found").build();
    }
    return ScanResponse.builder().items(List.copyOf(items.values())).count(items.size()).build();
  }

  @Override
  public String serviceName() {
    return "dynamodb";
  }

  @Override
  public void close() {}
}
