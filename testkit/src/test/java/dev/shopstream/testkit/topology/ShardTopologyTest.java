package dev.shopstream.testkit.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the topology proxy: how shards cut the hash space and the record log. */
class ShardTopologyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void initialShardsCoverTheHashSpaceWithoutGapsOrOverlap() {
    ShardTopology topology = new ShardTopology(3, BigInteger.valueOf(100));
    List<VirtualShard> shards = topology.all();
    assertThat(shards).hasSize(3);
    assertThat(shards.get(0).hashFrom()).isZero();
    assertThat(shards.get(1).hashFrom()).isEqualTo(shards.get(0).hashTo());
    assertThat(shards.get(2).hashFrom()).isEqualTo(shards.get(1).hashTo());
    assertThat(shards.get(2).hashTo()).isEqualTo(StreamRecordLog.HASH_SPACE);
    assertThat(shards).allSatisfy(s -> assertThat(s.startAfter()).isEqualTo(BigInteger.valueOf(99)));
  }

  @Test
  void closingASplitsItsRangeBetweenTwoChildrenThatStartAfterTheEnd() {
    ShardTopology topology = new ShardTopology(1, BigInteger.ONE);
    String parent = topology.all().get(0).id();
    List<VirtualShard> children = topology.close(parent, BigInteger.valueOf(50), 2);
    assertThat(topology.find(parent).orElseThrow().endThrough()).isEqualTo(BigInteger.valueOf(50));
    assertThat(children).allSatisfy(c -> {
      assertThat(c.parentId()).isEqualTo(parent);
      assertThat(c.startAfter()).isEqualTo(BigInteger.valueOf(50));
      assertThat(c.startingSequence()).isEqualTo(BigInteger.valueOf(51));
    });
    assertThat(children.get(0).hashTo()).isEqualTo(children.get(1).hashFrom());
    assertThat(topology.open()).containsExactlyElementsOf(children);
    assertThat(topology.children(parent)).containsExactlyElementsOf(children);
    assertThatThrownBy(() -> topology.close(parent, BigInteger.TEN, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aScanReturnsOnlyItsHashRangeUpToTheEndAndSaysHowFarItLooked() {
    StreamRecordLog log = new StreamRecordLog("PK");
    for (int i = 1; i <= 10; i++) {
      log.append(record(i, "KEY#" + (i % 2)));
    }
    long hashOfOne = StreamRecordLog.hash("KEY#1");
    StreamRecordLog.Scan all = log.scan(BigInteger.ZERO, null, hashOfOne, hashOfOne + 1, 100);
    assertThat(all.entries()).extracting(e -> e.sequence().intValue()).containsExactly(1, 3, 5, 7, 9);
    assertThat(all.scannedTo()).isEqualTo(BigInteger.TEN);

    StreamRecordLog.Scan bounded = log.scan(BigInteger.valueOf(3), BigInteger.valueOf(6), hashOfOne,
        hashOfOne + 1, 100);
    assertThat(bounded.entries()).extracting(e -> e.sequence().intValue()).containsExactly(5);
    assertThat(bounded.scannedTo()).as("stops at the shard's end").isEqualTo(BigInteger.valueOf(6));

    StreamRecordLog.Scan limited = log.scan(BigInteger.ZERO, null, 0, StreamRecordLog.HASH_SPACE, 2);
    assertThat(limited.entries()).hasSize(2);
    assertThat(limited.scannedTo()).isEqualTo(BigInteger.TWO);
  }

  private static ObjectNode record(int sequence, String partitionKey) {
    ObjectNode record = JSON.createObjectNode();
    ObjectNode dynamodb = record.putObject("dynamodb");
    dynamodb.put("SequenceNumber", Integer.toString(sequence));
    dynamodb.putObject("Keys").putObject("PK").put("S", partitionKey);
    return record;
  }
}
