package dev.shopstream.pipeline.processing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alarmed counters exist at 0 from the start, so the first increment is an increase an agent can see. */
class PipelineMetricsTest {

  @Test
  void alarmedCountersAreThereAtZeroBeforeTheFirstIncrement() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PipelineMetrics metrics = new PipelineMetrics(registry);
    metrics.registerAlarmed(List.of("email", "waitlist"), List.of("REJECTED_RECORD"));

    assertThat(registry.get("shop.handler.systemic.failures").tag("handler", "email").counter().count()).isZero();
    assertThat(registry.get("shop.handler.systemic.failures").tag("handler", "waitlist").counter().count()).isZero();
    assertThat(registry.get("shop.dlq.writes").tag("kind", "REJECTED_RECORD").counter().count()).isZero();
    metrics.systemicFailure("email");
    assertThat(registry.get("shop.handler.systemic.failures").tag("handler", "email").counter().count()).isOne();
  }
}
