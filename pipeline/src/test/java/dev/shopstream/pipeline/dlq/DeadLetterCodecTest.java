package dev.shopstream.pipeline.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.pipeline.testing.Fixtures;
import java.nio.charset.StandardCharsets;
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
    DeadLetter letter = new DeadLetter(DeadLetter.Kind.RETRIES_EXHAUSTED, source, Fixtures.record("order-insert.json"),
        "email", "e-1", "order-placed", "dev.shopstream.handlers.EffectFailure", "SES down", 42,
        Instant.parse("2026-11-27T10:00:00Z"), Instant.parse("2026-11-27T11:00:00Z"));

    String body = codec.encode(letter);

    assertThat(body).contains("\"formatVersion\":2", "\"recordEncoding\":\"json\"", "\"NewImage\"", "\"items\"")
        .doesNotContain("OldImage");
    assertThat(codec.decode(body)).isEqualTo(letter);
  }

  @Test
  void largeRecordsAreCompressedAndStillRoundTrip() {
    DeadLetter letter = DeadLetter.rejected(source, profileWith(noise(300_000, 7), null), "too big", Instant.EPOCH);

    String body = codec.encode(letter);

    assertThat(body).contains("\"recordEncoding\":\"gzip+base64\"");
    assertThat(codec.decode(body)).isEqualTo(letter);
  }

  @Test
  void aModifyOfTwoBigImagesDoesNotFitADefaultQueueEvenCompressed() {
    // what the claim check is for: two ~390 KB images are ~780 KB of record, ~0.6 MB after gzip + base64
    DeadLetter letter = DeadLetter.rejected(source, profileWith(noise(390_000, 1), noise(390_000, 2)), "big",
        Instant.EPOCH);

    String body = codec.encode(letter);

    assertThat(body.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(256 * 1024);
    assertThat(codec.decode(body)).isEqualTo(letter);
  }

  @Test
  void charactersSqsRefusesAreEscapedAndReadBackExactly() {
    String hostile = "a\uFFFEb\uFFFFc\uD800d\uDFFFe\uD83D\uDE00f\u0000g\u001Fh\u0008i\u00e9j\u4e2dk\uFFFDl";
    DeadLetter letter = DeadLetter.rejected(source, profileWith(hostile, hostile), "bad " + hostile, Instant.EPOCH);

    String body = codec.encode(letter);

    assertThat(body).contains("\\uFFFE", "\\uFFFF", "\\uD800", "\\uDFFF", "\\uD83D\\uDE00");
    body.chars().forEach(c -> assertThat(allowedBySqsWithoutSurrogates(c)).as("character U+%04X", c).isTrue());
    DeadLetter back = codec.decode(body);
    assertThat(back).isEqualTo(letter);
    assertThat(back.record().dynamodb().newImage().get("bio").s()).isEqualTo(hostile);
  }

  @Test
  void aClaimCheckCarriesTheSummaryAndTheObjectButNoImages() {
    DeadLetter letter = new DeadLetter(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY, source,
        profileWith(noise(390_000, 1), noise(390_000, 2)), "email", "e-1", "order-placed", "X", "x".repeat(10_000), 1,
        Instant.EPOCH, Instant.EPOCH);

    String body = codec.encodeClaimCheck(letter, RecordLocation.s3("overflow", "dead-letters/k.json", 812_345));

    assertThat(body.length()).isLessThan(6_000);
    assertThat(body).contains("\"recordEncoding\":\"s3\"", "\"bucket\":\"overflow\"", "\"Keys\"")
        .doesNotContain("NewImage", "OldImage");
    DeadLetterCodec.Decoded decoded = codec.decodeMessage(body);
    assertThat(decoded.location()).isEqualTo(RecordLocation.s3("overflow", "dead-letters/k.json", 812_345));
    assertThat(decoded.letter().source()).isEqualTo(source);
    assertThat(decoded.letter().eventId()).isEqualTo("e-1");
    assertThat(decoded.letter().record().dynamodb().keys()).isEqualTo(letter.record().dynamodb().keys());
    assertThatThrownBy(() -> codec.decode(body)).hasMessageContaining("s3://overflow/dead-letters/k.json");
  }

  @Test
  void aStreamReferenceKeepsThePositionAndKeys() {
    DeadLetter letter = DeadLetter.rejected(source, profileWith(noise(390_000, 1), null), "big", Instant.EPOCH);

    DeadLetterCodec.Decoded decoded = codec.decodeMessage(codec.encodeStreamReference(letter,
        codec.recordBytes(letter)));

    assertThat(decoded.location().storage()).isEqualTo(RecordLocation.Storage.STREAM_REFERENCE);
    assertThat(decoded.location().bytes()).isGreaterThan(390_000);
    assertThat(decoded.letter().source()).isEqualTo(source);
    assertThat(decoded.letter().record().dynamodb().hasNewImage()).isFalse();
    assertThat(decoded.letter().record().dynamodb().sequenceNumber()).isEqualTo(letter.record().dynamodb()
        .sequenceNumber());
  }

  @Test
  void aVersionOneMessageIsStillRead() {
    DeadLetter letter = DeadLetter.rejected(source, Fixtures.record("profile-insert.json"), "r", Instant.EPOCH);
    String body = codec.encode(letter).replace("\"formatVersion\":2", "\"formatVersion\":1");
    assertThat(codec.decode(body)).isEqualTo(letter);
  }

  @Test
  void anotherFormatVersionIsRefusedClearly() {
    String body = codec.encode(DeadLetter.rejected(source, Fixtures.record("profile-insert.json"), "r", Instant.EPOCH))
        .replace("\"formatVersion\":2", "\"formatVersion\":9");
    assertThatThrownBy(() -> codec.decode(body)).hasMessageContaining("format version 9");
  }

  @Test
  void aRejectionCarriesNoHandlerAndAHandlerFailureMustNameOne() {
    assertThatThrownBy(() -> new DeadLetter(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY, source,
        Fixtures.record("profile-insert.json"), null, null, null, null, "x", 1, Instant.EPOCH, Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A MODIFY of a profile whose new (and, unless null, old) image carries {@code bio}. */
  private static Record profileWith(String newBio, String oldBio) {
    Record base = Fixtures.record("profile-insert.json");
    Map<String, AttributeValue> image = new HashMap<>(base.dynamodb().newImage());
    image.put("bio", AttributeValue.fromS(newBio));
    var stream = base.dynamodb().toBuilder().newImage(image);
    if (oldBio != null) {
      Map<String, AttributeValue> old = new HashMap<>(base.dynamodb().newImage());
      old.put("bio", AttributeValue.fromS(oldBio));
      stream.oldImage(old);
    }
    return base.toBuilder().eventName("MODIFY").dynamodb(stream.build()).build();
  }

  /** Random lower-case letters: compresses about as badly as real text in a big attribute. */
  private static String noise(int length, long seed) {
    StringBuilder noise = new StringBuilder(length);
    Random random = new Random(seed);
    for (int i = 0; i < length; i++) {
      noise.append((char) ('a' + random.nextInt(26)));
    }
    return noise.toString();
  }

  /**
   * SQS's set (#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD), with no surrogate at all (fauxqs refuses even pairs).
   */
  private static boolean allowedBySqsWithoutSurrogates(int c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
  }
}
