package dev.shopstream.pipeline.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.pipeline.testing.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

class StreamRecordJsonTest {
  private final StreamRecordJson json = new StreamRecordJson(new ObjectMapper());

  @Test
  void everyAttributeTypeSurvivesARoundTrip() {
    Map<String, AttributeValue> item = Map.of(
        "s", AttributeValue.fromS("grüße 👋"),
        "n", AttributeValue.fromN("-1.5E+125"),
        "b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, (byte) 255})),
        "bool", AttributeValue.fromBool(false),
        "nul", AttributeValue.fromNul(true),
        "ss", AttributeValue.fromSs(List.of("a", "b")),
        "ns", AttributeValue.fromNs(List.of("1", "2.5")),
        "bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x"))),
        "l", AttributeValue.fromL(List.of(AttributeValue.fromS("x"), AttributeValue.fromN("1"))),
        "m", AttributeValue.fromM(Map.of("inner",
            AttributeValue.fromM(Map.of("deep", AttributeValue.fromBool(true))))));
    Record original = Record.builder().eventID("id-1").eventName("MODIFY")
        .userIdentity(u -> u.type("Service").principalId("dynamodb.amazonaws.com"))
        .dynamodb(d -> d.sequenceNumber("42").keys(Map.of("PK", AttributeValue.fromS("X")))
            .oldImage(item).newImage(item).approximateCreationDateTime(Instant.ofEpochSecond(1795996800))
            .streamViewType("NEW_AND_OLD_IMAGES").sizeBytes(123L))
        .build();

    Record copy = json.read(json.write(original));

    assertThat(copy).isEqualTo(original);
  }

  @Test
  void fixturesMapToStreamChangesWithIdentityAndPosition() {
    StreamChange change = Fixtures.change("session-ttl-remove.json");
    assertThat(change.kind()).isEqualTo(ChangeKind.REMOVE);
    assertThat(change.isTtlDelete()).isTrue();
    assertThat(change.source().sequenceNumber()).isEqualTo("4000");
    assertThat(change.source().shardId()).isEqualTo(Fixtures.SHARD);
    assertThat(change.newImage()).isNull();
    assertThat(change.oldImage()).containsKey("expiresAt");
  }

  @Test
  void aRecordWithoutEventNameIsRefusedWithItsSequenceNumber() {
    Record record = json.read("{\"dynamodb\":{\"SequenceNumber\":\"77\",\"Keys\":{\"PK\":{\"S\":\"X\"}}}}");
    assertThatThrownBy(() -> StreamChanges.from(record, "shop", "s-1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("77").hasMessageContaining("eventName");
  }

  @Test
  void unknownAttributeTypesAreRefusedWithTheirPath() {
    assertThatThrownBy(() -> json.read("{\"eventName\":\"INSERT\",\"dynamodb\":{\"NewImage\":{\"a\":{\"X\":\"1\"}}}}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'").hasMessageContaining("'X'");
  }
}
