package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

class AdapterJsonSizeTest {
  private final Random random = new Random(23);

  @Test
  void countsWhatTheAdapterWritesForRecordsOfEveryShape() {
    for (int i = 0; i < 2_000; i++) {
      Record record = record();
      assertThat(AdapterJsonSize.of(record)).as("record %d: %s", i, record)
          .isEqualTo(DynamoDBStreamsClientRecord.fromRecord(record).data().remaining());
    }
  }

  @Test
  void countsAnOrderAsTheWorkerReadsIt() {
    Record order = Record.builder().eventID("e-1").eventName("INSERT").eventSource("aws:dynamodb").eventVersion("1.1")
        .awsRegion("eu-west-1").dynamodb(StreamRecord.builder().sequenceNumber("1100000000017454423013").sizeBytes(513L)
            .streamViewType("NEW_AND_OLD_IMAGES").approximateCreationDateTime(Instant.parse("2026-11-27T10:15:30.123Z"))
            .keys(Map.of("pk", AttributeValue.fromS("USER#u1"), "sk", AttributeValue.fromS("ORDER#o-1")))
            .newImage(Map.of("pk", AttributeValue.fromS("USER#u1"), "sk", AttributeValue.fromS("ORDER#o-1"),
                "status", AttributeValue.fromS("PLACED"), "total", AttributeValue.fromN("9.50"),
                "lines", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of("sku", AttributeValue.fromS("mug"),
                    "qty", AttributeValue.fromN("1")))))))
            .build())
        .build();
    assertThat(AdapterJsonSize.of(order)).isEqualTo(DynamoDBStreamsClientRecord.fromRecord(order).data().remaining());
  }

  private Record record() {
    Record.Builder record = Record.builder();
    if (random.nextBoolean()) {
      record.eventID(text());
    }
    if (random.nextInt(4) > 0) {
      record.eventName(random.nextInt(8) == 0 ? "NOT_AN_OPERATION" : pick("INSERT", "MODIFY", "REMOVE"));
    }
    if (random.nextBoolean()) {
      record.eventSource("aws:dynamodb").eventVersion("1.1");
    }
    if (random.nextBoolean()) {
      record.awsRegion(pick("us-east-1", "eu-west-1"));
    }
    if (random.nextInt(3) == 0) {
      Identity.Builder identity = Identity.builder();
      if (random.nextBoolean()) {
        identity.type("Service");
      }
      if (random.nextBoolean()) {
        identity.principalId(text());
      }
      record.userIdentity(identity.build());
    }
    StreamRecord.Builder stream =
        StreamRecord.builder().sequenceNumber(Long.toString(random.nextLong() & Long.MAX_VALUE));
    if (random.nextBoolean()) {
      stream.sizeBytes((long) random.nextInt(400_000));
    }
    if (random.nextBoolean()) {
      stream.streamViewType(random.nextInt(6) == 0 ? "SOMETHING_NEW" : pick("NEW_AND_OLD_IMAGES", "KEYS_ONLY"));
    }
    if (random.nextBoolean()) {
      stream.approximateCreationDateTime(Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L)));
    }
    if (random.nextInt(4) > 0) {
      stream.keys(item(2));
    }
    if (random.nextBoolean()) {
      stream.newImage(item(3));
    }
    if (random.nextBoolean()) {
      stream.oldImage(item(3));
    }
    return record.dynamodb(stream.build()).build();
  }

  private Map<String, AttributeValue> item(int depth) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    int size = random.nextInt(6);
    for (int i = 0; i < size; i++) {
      item.put(text(), value(depth));
    }
    return item;
  }

  private AttributeValue value(int depth) {
    return switch (random.nextInt(depth > 0 ? 10 : 8)) {
      case 0 -> AttributeValue.fromS(text());
      case 1 -> AttributeValue.fromN(Integer.toString(random.nextInt()));
      case 2 -> AttributeValue.fromB(bytes());
      case 3 -> AttributeValue.fromBool(random.nextBoolean());
      case 4 -> AttributeValue.fromNul(true);
      case 5 -> AttributeValue.fromSs(texts());
      case 6 -> AttributeValue.fromNs(List.of("1", "-2.5", "1E+3"));
      case 7 -> AttributeValue.fromBs(List.of(bytes(), bytes()));
      case 8 -> AttributeValue.fromM(item(depth - 1));
      default -> {
        List<AttributeValue> list = new ArrayList<>();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          list.add(value(depth - 1));
        }
        yield AttributeValue.fromL(list);
      }
    };
  }

  private List<String> texts() {
    List<String> texts = new ArrayList<>();
    int size = random.nextInt(4);
    for (int i = 0; i < size; i++) {
      texts.add(text());
    }
    return texts;
  }

  /**
   * Strings with what JSON escapes and what UTF-8 widens: control characters, quotes, accents, CJK, emoji, broken
   * pairs.
   */
  private String text() {
    String[] parts = {"a", "USER#", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f", "\u0000", "\u001f", "\u007f", "é",
        "\u07ff", "\u0800", "中文", "\u2028", "\uffff", "😀", "\ud83d", "\ude00", " ", "9.50"};
    StringBuilder text = new StringBuilder();
    int size = random.nextInt(6);
    for (int i = 0; i < size; i++) {
      text.append(parts[random.nextInt(parts.length)]);
    }
    return text.toString();
  }

  private SdkBytes bytes() {
    byte[] bytes = new byte[random.nextInt(8)];
    random.nextBytes(bytes);
    return SdkBytes.fromByteArray(bytes);
  }

  private String pick(String... values) {
    return values[random.nextInt(values.length)];
  }
}
