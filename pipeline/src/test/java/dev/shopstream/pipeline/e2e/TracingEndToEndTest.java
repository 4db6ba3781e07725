package dev.shopstream.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.testing.OtlpReceiver;
import dev.shopstream.pipeline.testing.RecordingHandler;
import dev.shopstream.pipeline.testing.ShopWorkerExtension;
import dev.shopstream.testkit.ShopItems;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Tracing on (SHOP_TRACING_ENDPOINT at a real OTLP/HTTP receiver on 127.0.0.1): an order written with the
 * writer's traceparent is processed in the writer's trace, its claim, SES and SNS calls are spans under
 * the record's, and the analytics message and the waitlist notice carry the context on.
 */
@Tag("e2e")
class TracingEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WRITER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String WRITER_SPAN = "00f067aa0ba902b7";
  private static final String RESTOCK_SPAN = "b7ad6b7169203331";
  private static final OtlpReceiver receiver = OtlpReceiver.start();
  private static final RecordingHandler recorder = new RecordingHandler("recorder");

  @RegisterExtension
  static final ShopWorkerExtension shop = ShopWorkerExtension.worker("e2e-tracing", recorder,
      "email,waitlist,analytics,recorder")
      .with("SHOP_TRACING_ENDPOINT", receiver.endpoint());

  @AfterAll
  static void stopReceiver() {
    receiver.close();
  }

  @Test
  void aTracedOrdersSpansArriveInTheWritersTrace() throws Exception {
    shop.dynamo().putItem(r -> r.tableName("shop").item(ShopItems.product("lamp", "Desk lamp",
        new BigDecimal("39.90"), 0)));
    shop.dynamo().putItem(r -> r.tableName("shop").item(ShopItems.waitlistEntry("lamp", "grace", "grace@example.com")));
    Map<String, AttributeValue> order = new HashMap<>(ShopItems.order("ada", "2026-11-27", "o-7", "PLACED",
        "EUR", "ada@example.com", List.of(new ShopItems.Line("mug", "Mug", 2, new BigDecimal("9.50")))));
    order.put("traceparent", AttributeValue.fromS("00-" + WRITER_TRACE + "-" + WRITER_SPAN + "-01"));
    shop.dynamo().putItem(r -> r.tableName("shop").item(order));

    await().atMost(Duration.ofSeconds(30)).until(() -> inWritersTrace().stream().map(Span::getName).toList()
        .contains("process") && publishSpan().isPresent() && rpc("SendEmail").isPresent()
        && rpc("UpdateItem").isPresent());

    Span process = inWritersTrace().stream().filter(s -> s.getName().equals("process")).findFirst().orElseThrow();
    assertThat(process.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
    assertThat(hex(process.getParentSpanId())).isEqualTo(WRITER_SPAN);
    assertThat(process.getLinksList()).singleElement().satisfies(link -> {
      assertThat(hex(link.getTraceId())).isEqualTo(WRITER_TRACE);
      assertThat(hex(link.getSpanId())).isEqualTo(WRITER_SPAN);
    });
    assertThat(attribute(process, "messaging.operation")).isEqualTo("process");
    assertThat(attribute(process, "messaging.destination.partition.id")).startsWith("shardId-");
    assertThat(attribute(process, "messaging.message.id")).isNotEmpty();
    assertThat(attribute(process, "shop.record.outcome")).isEqualTo("HANDLED");

    Span claim = rpc("UpdateItem").orElseThrow();
    assertThat(claim.getAttributesList()).anySatisfy(kv -> {
      assertThat(kv.getKey()).isEqualTo("aws.dynamodb.table_names");
      assertThat(kv.getValue().getArrayValue().getValues(0).getStringValue())
          .isEqualTo(LocalShopStack.IDEMPOTENCY_TABLE);
    });
    Span publish = publishSpan().orElseThrow();
    assertThat(publish.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_PRODUCER);
    for (Span child : List.of(claim, rpc("SendEmail").orElseThrow(), publish)) {
      assertThat(child.getParentSpanId()).as(child.getName()).isEqualTo(process.getSpanId());
    }

    String passedOn = "00-" + WRITER_TRACE + "-" + hex(publish.getSpanId()) + "-01";
    Message message = stack().analyticsTap.awaitAtLeast(1, Duration.ofSeconds(10)).stream()
        .filter(m -> m.body().contains("o-7")).findFirst().orElseThrow();
    assertThat(message.messageAttributes().get("traceparent").stringValue()).isEqualTo(passedOn);
    JsonNode envelope = JSON.readTree(message.body());
    assertThat(envelope.get("traceparent").asText()).isEqualTo(passedOn);

    // a restock written in another request of the same trace: the waitlist notice's PublishBatch carries its span
    Map<String, AttributeValue> restock = new HashMap<>(ShopItems.product("lamp", "Desk lamp",
        new BigDecimal("39.90"), 5));
    restock.put("traceparent", AttributeValue.fromS("00-" + WRITER_TRACE + "-" + RESTOCK_SPAN + "-01"));
    shop.dynamo().putItem(r -> r.tableName("shop").item(restock));
    Message notice = stack().waitlistTap.awaitAtLeast(1, Duration.ofSeconds(20)).get(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> rpc("PublishBatch").isPresent());
    Span notify = rpc("PublishBatch").orElseThrow();
    assertThat(notice.messageAttributes().get("traceparent").stringValue())
        .isEqualTo("00-" + WRITER_TRACE + "-" + hex(notify.getSpanId()) + "-01");
    Span restockProcess = inWritersTrace().stream().filter(s -> hex(s.getParentSpanId()).equals(RESTOCK_SPAN))
        .findFirst().orElseThrow();
    assertThat(notify.getParentSpanId()).isEqualTo(restockProcess.getSpanId());
    assertThat(receiver.refused()).isEmpty();
  }

  private static LocalShopStack stack() {
    return shop.stack();
  }

  private static List<Span> inWritersTrace() {
    return receiver.spans().stream().filter(s -> hex(s.getTraceId()).equals(WRITER_TRACE)).toList();
  }

  private static Optional<Span> publishSpan() {
    return inWritersTrace().stream().filter(s -> s.getName().startsWith("publish ")).findFirst();
  }

  private static Optional<Span> rpc(String method) {
    return inWritersTrace().stream().filter(s -> method.equals(attribute(s, "rpc.method"))).findFirst();
  }

  private static String attribute(Span span, String key) {
    return span.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).map(KeyValue::getValue)
        .map(v -> v.getStringValue()).findFirst().orElse(null);
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
