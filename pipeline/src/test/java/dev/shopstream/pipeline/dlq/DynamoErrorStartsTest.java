package dev.shopstream.pipeline.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.contracts.EventSource;
import dev.shopstream.local.aws.MotoLocal;
import dev.shopstream.local.aws.ShopTableSetup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Error counts per record in the idempotency table on moto: they survive the worker that wrote them. */
@Tag("integration")
class DynamoErrorStartsTest {
  private static MotoLocal local;
  private static DynamoDbClient dynamo;

  @BeforeAll
  static void start() {
    local = MotoLocal.start(Path.of("target", "local-services"));
    dynamo = local.client();
    ShopTableSetup.createIdempotencyTableIfMissing(dynamo, "claims");
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    local.close();
  }

  @Test
  void eachErrorCountsOnceAndAnotherProcessSeesTheCount() {
    EventSource record = new EventSource("shop", "shardId-1", "1000");
    assertThat(new DynamoErrorStarts(dynamo, "claims", Clock.systemUTC(), Duration.ofDays(7))
        .countOne(record, new StackOverflowError("first start"))).isEqualTo(1);
    DynamoErrorStarts restarted = new DynamoErrorStarts(dynamo, "claims", Clock.systemUTC(), Duration.ofDays(7));
    assertThat(restarted.countOne(record, new StackOverflowError("second start"))).isEqualTo(2);
    assertThat(restarted.countOne(new EventSource("shop", "shardId-1", "2000"), new LinkageError("other")))
        .as("per record").isEqualTo(1);

    Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName("claims")
        .key(Map.of("id", AttributeValue.fromS("record-error#shop/shardId-1/1000")))).item();
    assertThat(item.get("lastError").s()).contains("second start");
    assertThat(item).containsKey("expiresAt");
  }
}
