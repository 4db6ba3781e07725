package dev.shopstream.pipeline.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shopstream.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A round of the fleet view: what it says when the lease table cannot be read. */
class FleetWatchTest {
  private static final Duration LEASE = Duration.ofSeconds(5);
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T10:00:00Z"));
  private final FakeLeaseTable leases = new FakeLeaseTable();
  private final FakeStream stream = new FakeStream();
  private final List<OwnShard> mine = new ArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(FleetWatch.class);
  private FleetWatch watch;

  @BeforeEach
  void watch() {
    logs.start();
    logger.addAppender(logs);
    FleetReader reader = new FleetReader(new LeaseTableScan(leases, "app"), new StreamShards(stream, "arn"),
        new StreamLagEstimates(stream, "arn"), LEASE, "w-1", INTERVAL.multipliedBy(3), false, clock);
    watch = new FleetWatch(reader, leases, "w-1", new FleetMetrics(new SimpleMeterRegistry(), reader, clock),
        () -> (Collection<OwnShard>) List.copyOf(mine), INTERVAL, clock);
  }

  @AfterEach
  void close() {
    watch.close();
    logger.detachAppender(logs);
  }

  private List<String> warnings() {
    return logs.list.stream().filter(event -> event.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void aLeaseTableKclHasNotCreatedYetIsNoWarningBeforeThisWorkerHoldsAShard() {
    stream.shard("s-1", true);
    leases.missing = true;
    watch.round();
    assertThat(warnings()).as("a new application's first round, before KCL made its table").isEmpty();

    mine.add(new OwnShard("s-1", Duration.ofSeconds(1), clock.instant()));
    watch.round();
    assertThat(warnings()).as("with a shard held, a missing lease table is a fault").singleElement().asString()
        .contains("could not read the fleet view from, or report this worker's shards into, lease table app");
  }
}
