package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.local.aws.MotoLocal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The start-up check for a worker id another running process uses, on a lease table in moto (KCL's layout). */
@Tag("integration")
class WorkerIdInUseTest {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static MotoLocal moto;
  private static DynamoDbClient dynamo;

  @BeforeAll
  static void start() {
    moto = MotoLocal.start(Path.of("target", "local-services"));
    dynamo = moto.client();
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    moto.close();
  }

  private static String leaseTable(String name) {
    dynamo.createTable(r -> r.tableName(name).billingMode("PAY_PER_REQUEST")
        .attributeDefinitions(a -> a.attributeName("leaseKey").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH)));
    return name;
  }

  private static void lease(String table, String key, String owner, long counter) {
    dynamo.putItem(r -> r.tableName(table).item(Map.of("leaseKey", AttributeValue.fromS(key),
        "leaseOwner", AttributeValue.fromS(owner), "leaseCounter", AttributeValue.fromN(Long.toString(counter)))));
  }

  @Test
  void aTwinThatRenewsLeasesUnderTheIdIsNamedAndADeadOnesLeasesAreNot() throws Exception {
    String table = leaseTable("app-twin");
    lease(table, "shard-1", "w-1", 7);
    lease(table, "shard-2", "w-1", 3);
    lease(table, "shard-3", "w-2", 9);
    List<Duration> waited = new ArrayList<>();
    WorkerIdInUse.Pause twinRenews = duration -> {
      waited.add(duration);
      lease(table, "shard-1", "w-1", 8); // the twin's renewal within the lease duration
      lease(table, "shard-3", "w-2", 10); // another worker's renewal: not this id's business
    };

    assertThat(WorkerIdInUse.check(dynamo, table, "w-1", LEASE, twinRenews)).singleElement().asString()
        .startsWith("SHOP_WORKER_ID=w-1 is in use: another running worker renewed 1 lease(s) under it within 4000 ms")
        .contains("shard-1 counter 7 -> 8").doesNotContain("shard-2", "shard-3")
        .endsWith("give each process its own SHOP_WORKER_ID, or leave it empty");
    assertThat(waited).as("a lease duration and a renewal period").containsExactly(Duration.ofSeconds(4));

    WorkerIdInUse.Pause nobodyRenews = waited::add;
    assertThat(WorkerIdInUse.check(dynamo, table, "w-1", LEASE, nobodyRenews))
        .as("a process killed under the id: its leases stand still").isEmpty();
  }

  @Test
  void anIdThatOwnsNothingOrNoLeaseTableYetStartsAtOnce() throws Exception {
    String table = leaseTable("app-free");
    lease(table, "shard-1", "w-2", 4);
    WorkerIdInUse.Pause mustNotWait = duration -> {
      throw new AssertionError("waited " + duration);
    };

    assertThat(WorkerIdInUse.check(dynamo, table, "w-1", LEASE, mustNotWait)).isEmpty();
    assertThat(WorkerIdInUse.check(dynamo, "app-never-started", "w-1", LEASE, mustNotWait)).isEmpty();
  }

  @Test
  void aLeaseTakenByAnotherWorkerMeanwhileIsNoTwin() throws Exception {
    String table = leaseTable("app-moved");
    lease(table, "shard-1", "w-1", 5);
    WorkerIdInUse.Pause taken = duration -> lease(table, "shard-1", "w-3", 6);

    assertThat(WorkerIdInUse.check(dynamo, table, "w-1", LEASE, taken)).isEmpty();
  }
}
