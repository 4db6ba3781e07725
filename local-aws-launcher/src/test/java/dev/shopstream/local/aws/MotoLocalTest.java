package dev.shopstream.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

@Tag("integration")
class MotoLocalTest {
  private static final Path LOGS = Path.of("target", "local-services");
  private static MotoLocal moto;
  private static DynamoDbClient client;

  @BeforeAll
  static void start() {
    moto = MotoLocal.start(LOGS);
    client = moto.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    moto.close();
  }

  @Test
  void servesTheDynamoDbApiOnLoopback() {
    createTable("probe", false);
    assertThat(client.listTables().tableNames()).contains("probe");
  }

  /**
   * 50 threads race the same conditional claim; exactly one may win, 30 rounds in a row. The claim
   * carries 100 attributes: moto converts them between its existence check and its write, which
   * widens that window enough for plain moto (-Dshop.moto.lock=false) to let several claims win in
   * about one round in five to one in three (so this fails without the lock: 30 clean rounds by chance
   * would be 0.8^30, about 1 in 800); with a tiny item the race is real but rare.
   */
  @Test
  void exactlyOneOf50RacingConditionalClaimsWinsEveryRound() throws Exception {
    createTable("claims", false);
    int threads = 50;
    List<DynamoDbClient> clients = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      clients.add(moto.client());
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<String> badRounds = new ArrayList<>();
    try {
      for (int round = 0; round < 30; round++) {
        String key = "claim-" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          DynamoDbClient racer = clients.get(t);
          String owner = "worker-" + t;
          attempts.add(pool.submit(() -> {
            go.await();
            try {
              racer.putItem(r -> r.tableName("claims")
                  .item(claim(key, owner))
                  .conditionExpression("attribute_not_exists(id)"));
              return true;
            } catch (ConditionalCheckFailedException lost) {
              return false;
            }
          }));
        }
        go.countDown();
        int winners = 0;
        for (Future<Boolean> attempt : attempts) {
          winners += attempt.get() ? 1 : 0;
        }
        if (winners != 1) {
          badRounds.add("round " + round + ": " + winners + " winners");
        }
      }
    } finally {
      pool.shutdownNow();
      clients.forEach(DynamoDbClient::close);
    }
    assertThat(badRounds).as("rounds where not exactly one claim won").isEmpty();
  }

  @Test
  void expiresTtlItemsAsDynamoDbsOwnServiceDelete() {
    createTable("sessions", true);
    client.updateTimeToLive(r -> r.tableName("sessions")
        .timeToLiveSpecification(s -> s.enabled(true).attributeName("expiresAt")));
    long now = Instant.now().getEpochSecond();
    client.putItem(r -> r.tableName("sessions").item(Map.of("id", s("expired"), "expiresAt", n(now - 60))));
    client.putItem(r -> r.tableName("sessions").item(Map.of("id", s("future"), "expiresAt", n(now + 3600))));
    client.putItem(r -> r.tableName("sessions").item(Map.of("id", s("ancient"), "expiresAt",
        n(now - 6L * 365 * 24 * 3600))));
    client.putItem(r -> r.tableName("sessions").item(Map.of("id", s("text"), "expiresAt", s(Long.toString(now - 60)))));

    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (exists("expired") && Instant.now().isBefore(deadline)) {
      sleep(200);
    }
    assertThat(exists("expired")).as("item whose TTL passed is deleted").isFalse();
    assertThat(exists("future")).isTrue();
    assertThat(exists("ancient")).as("TTL values more than 5 years old are ignored").isTrue();
    assertThat(exists("text")).as("only Number TTL values expire").isTrue();

    List<Record> records = streamRecords("sessions");
    List<Record> removes = records.stream().filter(r -> r.eventName() == OperationType.REMOVE).toList();
    assertThat(removes).hasSize(1);
    assertThat(removes.get(0).dynamodb().keys().get("id").s()).isEqualTo("expired");
    assertThat(removes.get(0).userIdentity()).isNotNull();
    assertThat(removes.get(0).userIdentity().type()).isEqualTo("Service");
    assertThat(removes.get(0).userIdentity().principalId()).isEqualTo("dynamodb.amazonaws.com");

    client.deleteItem(r -> r.tableName("sessions").key(Map.of("id", s("future"))));
    Record userDelete = streamRecords("sessions").get(records.size());
    assertThat(userDelete.eventName()).isEqualTo(OperationType.REMOVE);
    assertThat(userDelete.userIdentity()).as("a delete by a client carries no identity").isNull();
  }

  @Test
  void isNotReachableOnOtherInterfaces() throws IOException {
    Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
        .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
        .findFirst();
    Assumptions.assumeTrue(external.isPresent(), "machine has no non-loopback IPv4 address");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(external.get(), moto.port()), 500);
      throw new AssertionError("moto accepted a connection on " + external.get() + ":" + moto.port());
    } catch (IOException expected) {
      assertThat(expected).hasMessageContaining("refused");
    }
  }

  @Test
  void exitsWhenStopped() {
    MotoLocal second = MotoLocal.start(LOGS);
    long pid = second.pid();
    second.close();
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    assertThat(handle.map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(FreePorts.accepts(second.port())).isFalse();
  }

  private static void createTable(String name, boolean stream) {
    client.createTable(r -> {
      r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S)
              .build())
          .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build());
      if (stream) {
        r.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES));
      }
    });
  }

  private static Map<String, AttributeValue> claim(String key, String owner) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("id", s(key));
    item.put("owner", s(owner));
    for (int i = 0; i < 100; i++) {
      item.put("detail" + i, s("value-" + i));
    }
    return item;
  }

  private static boolean exists(String id) {
    return client.getItem(r -> r.tableName("sessions").key(Map.of("id", s(id))).consistentRead(true)).hasItem();
  }

  private static List<Record> streamRecords(String table) {
    String streamArn = client.describeTable(r -> r.tableName(table)).table().latestStreamArn();
    try (DynamoDbStreamsClient streams = moto.streamsClient()) {
      String shard = streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards().get(0).shardId();
      String iterator = streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shard)
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      return streams.getRecords(r -> r.shardIterator(iterator)).records();
    }
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
