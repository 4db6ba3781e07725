package dev.shopstream.bench;

import dev.shopstream.pipeline.stream.ChangeRecord;
import dev.shopstream.testkit.ShopItems;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** Stream records made in memory, shaped as the table's stream delivers them (a flash sale's orders). */
final class SyntheticStream {
  private SyntheticStream() {}

  /** {@code count} order inserts of {@code users} distinct users, in turn. */
  static List<ChangeRecord> orders(int count, int users) {
    List<ChangeRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String user = "u" + (i % users);
      Map<String, AttributeValue> item = ShopItems.order(user, "2026-11-27", "o-" + i, "PLACED", "EUR",
          user + "@example.com", List.of(new ShopItems.Line("mug", "Mug", 1, new BigDecimal("9.50"))));
      records.add(ChangeRecord.of(insert(item, i + 1), "shop", "shardId-bench"));
    }
    return records;
  }

  static Record insert(Map<String, AttributeValue> item, long sequence) {
    return Record.builder().eventID("e" + sequence).eventName(OperationType.INSERT).dynamodb(StreamRecord.builder()
        .sequenceNumber(Long.toString(sequence)).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
        .approximateCreationDateTime(Instant.now())
        .keys(Map.of("PK", item.get("PK"), "SK", item.get("SK"))).newImage(item).build()).build();
  }
}
