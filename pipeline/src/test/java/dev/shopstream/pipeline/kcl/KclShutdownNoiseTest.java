package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class KclShutdownNoiseTest {
  private final LoggerContext context = new LoggerContext();
  private final KclShutdownNoise filter = new KclShutdownNoise();

  @Test
  void onlyTheSchedulersLeaderDeciderFalseAlarmIsDropped() {
    var scheduler = context.getLogger(KclShutdownNoise.SCHEDULER);
    assertThat(filter.decide(null, scheduler, Level.ERROR,
        "Worker.run caught exception, sleeping for 1000 milli seconds!",
        null, new IllegalStateException("LeaderDecider uninitialized"))).isEqualTo(FilterReply.DENY);
    assertThat(filter.decide(null, scheduler, Level.ERROR,
        "Worker.run caught exception, sleeping for {} milli seconds!",
        new Object[] {"1000", new IllegalStateException("LeaderDecider uninitialized")}, null))
        .as("KCL passes the exception as the last parameter").isEqualTo(FilterReply.DENY);
    assertThat(filter.decide(null, scheduler, Level.ERROR, "Caught exception when initializing LeaseCoordinator", null,
        new IllegalStateException("table missing"))).isEqualTo(FilterReply.NEUTRAL);
    assertThat(filter.decide(null, context.getLogger("other"), Level.ERROR, "x", null,
        new IllegalStateException("LeaderDecider uninitialized"))).isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void aSecondShutdownCallAfterTheWorkersOwnIsDroppedOtherSchedulerWarningsPass() {
    var scheduler = context.getLogger(KclShutdownNoise.SCHEDULER);
    assertThat(filter.decide(null, scheduler, Level.WARN, "Shutdown requested a second time.", null, null))
        .isEqualTo(FilterReply.DENY);
    assertThat(filter.decide(null, scheduler, Level.WARN, "Lease failover time is reached, so forcing shutdown.", null,
        null))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(filter.decide(null, context.getLogger("other"), Level.WARN, "Shutdown requested a second time.", null,
        null))
        .isEqualTo(FilterReply.NEUTRAL);
  }
}
