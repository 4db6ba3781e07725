package dev.shopstream.pipeline.kcl;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Refuses a start under a worker id that another running process uses. KCL knows a worker only by its
 * id: two processes with one id would both hold its leases and work the same shards. A live holder renews
 * each lease it holds every third of the lease duration, raising the lease's counter; a process that died
 * under the id (killed, then restarted with the same {@code SHOP_WORKER_ID}) renews nothing. So when the
 * lease table has leases owned by this id, they are read again one lease duration later: a counter that
 * rose means a live twin. A graceful stop gives its leases back, so a restart after one never waits; the
 * default id (host name plus a random suffix) owns nothing at start and never waits either.
 */
public final class WorkerIdInUse {
  /** Waits the given time (injected so tests need not). */
  public interface Pause {
    Pause REAL = duration -> Thread.sleep(duration.toMillis());

    void of(Duration duration) throws InterruptedException;
  }

  private WorkerIdInUse() {}

  /** @return one line naming the id and the leases another process renews under it, or none */
  public static List<String> check(DynamoDbClient dynamo, String leaseTable, String workerId, Duration leaseDuration,
      Pause pause) throws InterruptedException {
    Map<String, Long> before = countersOwnedBy(dynamo, leaseTable, workerId);
    if (before.isEmpty()) {
      return List.of();
    }
    pause.of(leaseDuration.plus(leaseDuration.dividedBy(3)));
    Map<String, Long> after = countersOwnedBy(dynamo, leaseTable, workerId);
    Map<String, String> renewed = new TreeMap<>();
    before.forEach((lease, counter) -> {
      Long now = after.get(lease);
      if (now != null && now > counter) {
        renewed.put(lease, counter + " -> " + now);
      }
    });
    if (renewed.isEmpty()) {
      return List.of();
    }
    return List.of("SHOP_WORKER_ID=" + workerId + " is in use: another running worker renewed " + renewed.size()
        + " lease(s) under it within " + leaseDuration.toMillis() * 4 / 3 + " ms ("
        + renewed.entrySet().stream().map(e -> e.getKey() + " counter " + e.getValue())
            .collect(Collectors.joining(", "))
        + "); two processes with one id would work the same shards: give each process its own SHOP_WORKER_ID, "
        + "or leave it empty");
  }

  /** Lease key -> counter of the leases {@code workerId} owns; none when the table does not exist yet. */
  private static Map<String, Long> countersOwnedBy(DynamoDbClient dynamo, String leaseTable, String workerId) {
    try {
      return dynamo.scanPaginator(r -> r.tableName(leaseTable).consistentRead(true)
              .filterExpression("leaseOwner = :owner")
              .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(workerId)))
              .projectionExpression("leaseKey, leaseCounter")).items().stream()
          .filter(item -> item.containsKey("leaseKey") && item.containsKey("leaseCounter"))
          .collect(Collectors.toMap(item -> item.get("leaseKey").s(),
              item -> Long.parseLong(item.get("leaseCounter").n()), (a, b) -> a, TreeMap::new));
    } catch (ResourceNotFoundException e) {
      return Map.of();
    }
  }
}
