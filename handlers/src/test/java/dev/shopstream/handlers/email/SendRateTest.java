package dev.shopstream.handlers.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.SesLocal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** Each worker's share of SES's send rate, and where the account's rate comes from. */
class SendRateTest {

  @Test
  void theAccountsRateIsSharedByTheLiveWorkersAndAFullSecondFailsRetryably() {
    SendRate rate = new SendRate(14, Duration.ZERO);
    rate.resize(null, 3);
    assertThat(rate.limitPerSecond()).as("90 % of 14/s among 3 workers").isEqualTo(4);
    rate.resize(1.0, 5);
    assertThat(rate.limitPerSecond()).as("never below one a second").isEqualTo(1);
    SendRate fifty = new SendRate(50, Duration.ZERO);
    assertThat(fifty.limitPerSecond()).as("paced at 90 % of the account's 50/s").isEqualTo(45);
    fifty.reserve().await();
    assertThatThrownBy(fifty::reserve).as("a second one within the same 22 ms").isInstanceOf(EffectFailure.class)
        .satisfies(e -> assertThat(EffectFailure.isRetryable(e)).isTrue()).hasMessageContaining("45/s");
    SendRate paced = new SendRate(50, Duration.ofSeconds(2));
    long start = System.nanoTime();
    for (int i = 0; i < 26; i++) {
      paced.reserve().await();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("26 permits at 45/s, one every 22 ms")
        .isBetween(Duration.ofMillis(500), Duration.ofMillis(1600));
  }

  @Test
  void sendsThatComeLateToTheirSlotsTakeFreshOnesInsteadOfGoingOutTogether() throws InterruptedException {
    SendRate rate = new SendRate(11, Duration.ofSeconds(5)); // 9/s: a slot every 111 ms
    List<SendRate.Slot> slots = List.of(rate.reserve(), rate.reserve(), rate.reserve(), rate.reserve());
    Thread.sleep(700); // the threads holding them were starved: every slot is past by more than a period
    List<Long> sentAt = new ArrayList<>();
    for (SendRate.Slot slot : slots) {
      slot.await();
      sentAt.add(System.nanoTime());
    }
    // one permit per 111 ms cycle of the limiter: sent at once, the four would have gone out within a millisecond
    for (int i = 1; i < sentAt.size(); i++) {
      assertThat(Duration.ofNanos(sentAt.get(i) - sentAt.get(i - 1))).as("send %d after send %d", i, i - 1)
          .isGreaterThan(Duration.ofMillis(30));
    }
    assertThat(Duration.ofNanos(sentAt.get(3) - sentAt.get(0))).as("four sends over three cycles at least")
        .isGreaterThan(Duration.ofMillis(250));
    SendRate.Slot onTime = rate.reserve();
    long before = System.nanoTime();
    onTime.await();
    assertThat(Duration.ofNanos(System.nanoTime() - before)).as("a slot kept in time is waited for, not replaced")
        .isLessThan(Duration.ofMillis(200));
  }

  @Test
  void theRefreshReadsTheAccountAndTheWorkersAndKeepsTheLastSizeWhenAReadFails() {
    SendRate rate = new SendRate(14, Duration.ZERO);
    AtomicInteger workers = new AtomicInteger(2);
    SendRateRefresh refresh = SendRateRefresh.start(rate, () -> 100.0, workers::get, Duration.ofHours(1));
    try {
      refresh.refresh();
      assertThat(rate.limitPerSecond()).isEqualTo(45);
      workers.set(4);
      refresh.refresh();
      assertThat(rate.limitPerSecond()).isEqualTo(22);
    } finally {
      refresh.close();
    }
    SendRateRefresh failing = SendRateRefresh.start(rate, () -> {
      throw new IllegalStateException("SES down");
    }, workers::get, Duration.ofHours(1));
    try {
      failing.refresh();
      assertThat(rate.limitPerSecond()).as("kept").isEqualTo(22);
    } finally {
      failing.close();
    }
  }

  @Tag("integration")
  @Test
  void theAccountsRateIsReadFromSesGetAccount() {
    try (SesLocal ses = SesLocal.start(Path.of("target", "local-services"));
        SesV2Client client = SesV2Client.builder().endpointOverride(ses.endpoint()).region(LocalAws.REGION)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .build()) {
      assertThat(SendRateRefresh.maxSendRate(client)).as("the local account's rate").isEqualTo(200.0);
    }
  }
}
