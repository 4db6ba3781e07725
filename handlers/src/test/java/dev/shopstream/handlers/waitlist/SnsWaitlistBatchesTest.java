package dev.shopstream.handlers.waitlist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PublishBatch calls cut by SNS's limits: 10 entries and 256 KiB per call. */
class SnsWaitlistBatchesTest {
  private final SnsWaitlistNotifier notifier = new SnsWaitlistNotifier(null, "arn:aws:sns:us-east-1:1:t",
      new ObjectMapper());

  private static List<WaitlistEntry> entries(int count, int contactLength) {
    List<WaitlistEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(new WaitlistEntry("lamp", "u-" + i, "email", "x".repeat(contactLength) + i + "@example.com"));
    }
    return entries;
  }

  @Test
  void smallMessagesGoTenToACall() {
    assertThat(notifier.batches("Lamp", entries(23, 10))).extracting(List::size).containsExactly(10, 10, 3);
  }

  @Test
  void largeMessagesAreCutByBytesSoNoCallExceeds256KiB() {
    List<WaitlistEntry> entries = entries(10, 60_000);
    List<List<WaitlistEntry>> batches = notifier.batches("Lamp", entries);

    assertThat(batches).extracting(List::size).containsExactly(4, 4, 2);
    for (List<WaitlistEntry> batch : batches) {
      long bytes = batch.stream().mapToLong(e -> notifier.size("Lamp", e)).sum();
      assertThat(bytes).isLessThanOrEqualTo(WaitlistNotifier.MAX_BATCH_BYTES);
    }
    assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(entries);
  }

  @Test
  void theSizeCountsBodyAndAttributesInUtf8Bytes() {
    WaitlistEntry ascii = new WaitlistEntry("lamp", "u", "email", "a@example.com");
    WaitlistEntry accented = new WaitlistEntry("lamp", "u", "email", "\u00e9@example.com");
    assertThat(notifier.size("Lamp", accented) - notifier.size("Lamp", ascii)).isEqualTo(1);
  }
}
