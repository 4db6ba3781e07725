package dev.shopstream.testkit.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.MotoLocal;
import dev.shopstream.local.aws.ShopTableSetup;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardFilterType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** The topology proxy against the real local stream: moto behind it, the SDK's clients in front. */
@Tag("integration")
class StreamTopologyProxyTest {
  private static MotoLocal moto;
  private static DynamoDbClient direct;
  private static int tables;
  private String table;
  private StreamTopologyProxy proxy;
  private DynamoDbStreamsClient streams;
  private DynamoDbClient dynamo;

  @BeforeAll
  static void startMoto() {
    moto = MotoLocal.start(Path.of("target", "local-services"));
    direct = moto.client();
  }

  @AfterAll
  static void stopMoto() {
    direct.close();
    moto.close();
  }

  private void proxy(int shards) {
    table = "topology-" + (++tables);
    ShopTableSetup.createIfMissing(direct, table);
    proxy = StreamTopologyProxy.start(moto.endpoint(), table, shards);
    // one attempt per call, so an injected fault reaches the test instead of the SDK's retries
    streams = LocalAws.client(DynamoDbStreamsClient.builder(), proxy.endpoint(), 1);
    dynamo = LocalAws.client(DynamoDbClient.builder(), proxy.endpoint());
  }

  @AfterEach
  void stopProxy() {
    if (proxy != null) {
      streams.close();
      dynamo.close();
      proxy.close();
    }
  }

  @Test
  void presentsTheOneMotoShardAsNShardsEachKeyInOneShardInStreamOrder() {
    proxy(4);
    write(0, 120, 30);

    List<Shard> shards = describeAll(3);
    assertThat(shards).extracting(Shard::shardId).containsExactlyElementsOf(proxy.shardIds()).hasSize(4);
    assertThat(shards).allSatisfy(s -> {
      assertThat(s.shardId()).matches("shardId-\\d{20}-[0-9a-f]{8}");
      assertThat(s.parentShardId()).isNull();
      assertThat(s.sequenceNumberRange().startingSequenceNumber()).isNotBlank();
    });

    Map<String, String> shardOfKey = new HashMap<>();
    List<String> all = new ArrayList<>();
    for (Shard shard : shards) {
      List<Record> records = readAvailable(shard.shardId(), ShardIteratorType.TRIM_HORIZON, null);
      List<String> sequences = records.stream().map(r -> r.dynamodb().sequenceNumber()).toList();
      assertThat(sequences).as("stream order in %s", shard.shardId())
          .isSortedAccordingTo(StreamTopologyProxyTest::bySequence);
      for (Record record : records) {
        String pk = record.dynamodb().keys().get("PK").s();
        assertThat(shardOfKey.putIfAbsent(pk, shard.shardId())).as("key %s in one shard", pk)
            .isIn(null, shard.shardId());
        all.add(pk + "/" + record.dynamodb().keys().get("SK").s());
      }
    }
    assertThat(all).as("every record exactly once over the shards").hasSize(120).doesNotHaveDuplicates();
    assertThat(new HashSet<>(shardOfKey.values())).as("30 keys spread over the 4 shards").hasSize(4);
    assertThat(dynamo.getItem(r -> r.tableName(table).key(key(7, 7))).item()).as("DynamoDB calls pass through")
        .isNotEmpty();
  }

  @Test
  void pointInTimeRecoveryCanBeAnsweredAsOnForLong() {
    proxy(1);
    direct.updateContinuousBackups(r -> r.tableName(table).pointInTimeRecoverySpecification(p ->
        p.pointInTimeRecoveryEnabled(true)));
    Instant enabled = earliestRestorable();
    assertThat(enabled).as("moto: since it was switched on").isAfter(Instant.now().minusSeconds(60));

    Instant dayAgo = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    proxy.pointInTimeRecoverySince(dayAgo);
    assertThat(earliestRestorable()).as("answered through the proxy (its CRC32 recomputed)").isEqualTo(dayAgo);
    assertThat(direct.describeContinuousBackups(r -> r.tableName(table)).continuousBackupsDescription()
        .pointInTimeRecoveryDescription().earliestRestorableDateTime()).as("moto itself unchanged").isAfter(dayAgo);
  }

  private Instant earliestRestorable() {
    return dynamo.describeContinuousBackups(r -> r.tableName(table)).continuousBackupsDescription()
        .pointInTimeRecoveryDescription().earliestRestorableDateTime();
  }

  @Test
  void splitClosesTheParentAtShardEndAndTheChildrenCarryItsLaterRecords() {
    proxy(1);
    String parent = proxy.shardIds().get(0);
    write(0, 40, 10);
    List<String> children = proxy.close(parent, 2);
    write(40, 80, 10);

    List<Shard> shards = describeAll(100);
    assertThat(shards).extracting(Shard::shardId).containsExactly(parent, children.get(0), children.get(1));
    assertThat(shards.get(0).sequenceNumberRange().endingSequenceNumber()).as("closed parent has an end").isNotNull();
    assertThat(shards.subList(1, 3)).allSatisfy(s -> {
      assertThat(s.parentShardId()).isEqualTo(parent);
      assertThat(s.sequenceNumberRange().endingSequenceNumber()).isNull();
    });
    assertThat(streams.describeStream(r -> r.streamArn(proxy.streamArn())
        .shardFilter(f -> f.type(ShardFilterType.CHILD_SHARDS).shardId(parent))).streamDescription().shards())
        .extracting(Shard::shardId).containsExactlyElementsOf(children);

    // the parent: its 40 records, then no next iterator (SHARD_END)
    List<Record> fromParent = new ArrayList<>();
    String iterator = iterator(parent, ShardIteratorType.TRIM_HORIZON, null);
    for (int polls = 0; iterator != null && polls < 20; polls++) {
      String current = iterator;
      GetRecordsResponse page = streams.getRecords(r -> r.shardIterator(current));
      fromParent.addAll(page.records());
      iterator = page.nextShardIterator();
    }
    assertThat(iterator).as("parent reaches SHARD_END").isNull();
    assertThat(fromParent).hasSize(40);
    assertThat(proxy.served(StreamFault.SHARD_END)).isEqualTo(1);

    List<Record> fromChildren = new ArrayList<>();
    Map<String, String> childOfKey = new HashMap<>();
    for (String child : children) {
      for (Record record : readAvailable(child, ShardIteratorType.TRIM_HORIZON, null)) {
        fromChildren.add(record);
        childOfKey.put(record.dynamodb().keys().get("PK").s(), child);
      }
    }
    assertThat(fromChildren).as("every later record in one child").hasSize(40);
    assertThat(bySequence(fromParent.get(39).dynamodb().sequenceNumber(), fromChildren.stream()
        .map(r -> r.dynamodb().sequenceNumber()).min(StreamTopologyProxyTest::bySequence).orElseThrow())).isNegative();
    for (String pk : childOfKey.keySet()) {
      assertThat(proxy.openShardFor(pk)).isEqualTo(childOfKey.get(pk));
    }
  }

  @Test
  void injectsExpiredIteratorsThrottlingEmptyPollsAndTrimmedData() {
    proxy(2);
    write(0, 20, 4);
    String shard = proxy.openShardFor("KEY#0");

    String stale = iterator(shard, ShardIteratorType.TRIM_HORIZON, null);
    proxy.expireIterators();
    assertThatThrownBy(() -> streams.getRecords(r -> r.shardIterator(stale)))
        .isInstanceOf(ExpiredIteratorException.class);

    String fresh = iterator(shard, ShardIteratorType.TRIM_HORIZON, null);
    proxy.throttleNextGetRecords(1);
    assertThatThrownBy(() -> streams.getRecords(r -> r.shardIterator(fresh)))
        .isInstanceOf(LimitExceededException.class);

    proxy.emptyPollsBeforeData(2);
    assertThat(streams.getRecords(r -> r.shardIterator(fresh)).records()).isEmpty();
    assertThat(streams.getRecords(r -> r.shardIterator(fresh)).records()).isEmpty();
    List<Record> before = streams.getRecords(r -> r.shardIterator(fresh)).records();
    assertThat(before).as("data after the empty polls").isNotEmpty();

    String checkpoint = before.get(0).dynamodb().sequenceNumber();
    proxy.trimAll(shard);
    write(20, 30, 4);
    assertThatThrownBy(() -> iterator(shard, ShardIteratorType.AFTER_SEQUENCE_NUMBER, checkpoint))
        .isInstanceOf(TrimmedDataAccessException.class);
    assertThatThrownBy(() -> streams.getRecords(r -> r.shardIterator(fresh)))
        .isInstanceOf(TrimmedDataAccessException.class);
    List<Record> afterTrim = readAvailable(shard, ShardIteratorType.TRIM_HORIZON, null);
    assertThat(afterTrim).as("TRIM_HORIZON starts after the trimmed records")
        .allSatisfy(r -> assertThat(Integer.parseInt(r.dynamodb().keys().get("SK").s().substring(5)))
            .isGreaterThanOrEqualTo(20));
    assertThat(proxy.served(StreamFault.EXPIRED_ITERATOR)).isEqualTo(1);
    assertThat(proxy.served(StreamFault.THROTTLED)).isEqualTo(1);
    assertThat(proxy.served(StreamFault.EMPTY_POLL)).isEqualTo(2);
    assertThat(proxy.served(StreamFault.TRIMMED)).isEqualTo(2);
  }

  private static int bySequence(String a, String b) {
    return new BigInteger(a).compareTo(new BigInteger(b));
  }

  private List<Shard> describeAll(int pageSize) {
    List<Shard> shards = new ArrayList<>();
    String start = null;
    do {
      String from = start;
      var description = streams.describeStream(r -> r.streamArn(proxy.streamArn()).limit(pageSize)
          .exclusiveStartShardId(from)).streamDescription();
      shards.addAll(description.shards());
      start = description.lastEvaluatedShardId();
    } while (start != null);
    return shards;
  }

  private String iterator(String shardId, ShardIteratorType type, String sequence) {
    return streams.getShardIterator(r -> r.streamArn(proxy.streamArn()).shardId(shardId).shardIteratorType(type)
        .sequenceNumber(sequence)).shardIterator();
  }

  /** Everything readable now: polls until a page comes back empty (after the tail caught up). */
  private List<Record> readAvailable(String shardId, ShardIteratorType type, String sequence) {
    List<Record> records = new ArrayList<>();
    String iterator = iterator(shardId, type, sequence);
    int empty = 0;
    while (iterator != null && empty < 5) {
      String current = iterator;
      GetRecordsResponse page = streams.getRecords(r -> r.shardIterator(current).limit(7));
      records.addAll(page.records());
      empty = page.records().isEmpty() ? empty + 1 : 0;
      iterator = page.nextShardIterator();
      if (page.records().isEmpty()) {
        sleep(50);
      }
    }
    return records;
  }

  private void write(int from, int to, int keys) {
    for (int i = from; i < to; i++) {
      Map<String, AttributeValue> item = new HashMap<>(key(i % keys, i));
      item.put("n", AttributeValue.fromN(Integer.toString(i)));
      direct.putItem(r -> r.tableName(table).item(item));
    }
    sleep(150);
  }

  private static Map<String, AttributeValue> key(int key, int item) {
    return Map.of("PK", AttributeValue.fromS("KEY#" + key), "SK", AttributeValue.fromS("ITEM#" + item));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
