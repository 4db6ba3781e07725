package dev.shopstream.pipeline.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.pipeline.testing.Fixtures;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

class DeadLetterCodecTest {
  private final DeadLetterCodec codec = new DeadLetterCodec(new ObjectMapper());
  private final EventSource source = new EventSource("shop", "shard-1", "2000");

  @Test
  void aHandlerFailureRoundTripsWithEveryField() {
    DeadLetter letter = new DeadLetter(DeadLetter.Kind.RETRIES_EXHAUSTED, source, Fixtures.record("order-insert.json"), "email",
        "e-1", "order-placed", "dev.shopstream.handlers.EffectFailure", "SES down", 42,
        Instant.parse("2026-11-27T10:00:00Z"), Instant.parse("2026-11-27T11:00:00Z"));

    String body = codec.encode(letter);

    assertThat(body).contains("\"formatVersion\":1", "\"recordEncoding\":\"json\"", "\"NewImage\"", "\"items\"").doesNotContain("OldImage");
    assertThat(codec.decode(body)).isEqualTo(letter);
  }

  @Test
  void largeRecordsAreCompressedAndStillRoundTrip() {
    StringBuilder noise = new StringBuilder();
    Random random = new Random(7);
    for (int i = 0; i < 300_000; i++) {
      noise.append((char) ('a' + random.nextInt(26)));
    }
    Record base = Fixtures.record("profile-insert.json");
    Map<String, AttributeValue> image = new HashMap<>(base.dynamodb().newImage());
    image.put("bio", AttributeValue.fromS(noise.toString()));
    Record big = base.toBuilder().dynamodb(base.dynamodb().toBuilder().newImage(image).build()).build();
    DeadLetter letter = DeadLetter.rejected(source, big, "too big", Instant.EPOCH);

    String body = codec.encode(letter);

    assertThat(body).contains("\"recordEncoding\":\"gzip+base64\"");
    assertThat(body.length()).isLessThan(300_000);
    assertThat(codec.decode(body)).isEqualTo(letter);
  }

  @Test
  void anotherFormatVersionIsRefusedClearly() {
    String body = codec.encode(DeadLetter.rejected(source, Fixtures.record("profile-insert.json"), "r", Instant.EPOCH))
        .replace("\"formatVersion\":1", "\"formatVersion\":9");
    assertThatThrownBy(() -> codec.decode(body)).hasMessageContaining("format version 9");
  }

  @Test
  void aRejectionCarriesNoHandlerAndAHandlerFailureMustNameOne() {
    assertThatThrownBy(() -> new DeadLetter(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY, source,
        Fixtures.record("profile-insert.json"), null, null, null, null, "x", 1, Instant.EPOCH, Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
