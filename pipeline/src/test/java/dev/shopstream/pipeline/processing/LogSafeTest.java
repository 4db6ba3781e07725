package dev.shopstream.pipeline.processing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {
  @Test
  void contactDetailsAreRedactedFromLogMessages() {
    assertThat(LogSafe.redact("Email address is not verified: ada.l+shop@example.co.uk, call +44 1632 960001"))
        .isEqualTo("Email address is not verified: <email>, call <phone>");
    assertThat(LogSafe.redact("order o-1 at 12:00")).isEqualTo("order o-1 at 12:00");
  }
}
