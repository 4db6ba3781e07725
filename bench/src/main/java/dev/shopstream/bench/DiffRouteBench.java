package dev.shopstream.bench;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.handlers.analytics.AnalyticsSyncHandler;
import dev.shopstream.handlers.analytics.CloudEventMapper;
import dev.shopstream.handlers.analytics.ContractValidator;
import dev.shopstream.handlers.analytics.PiiHasher;
import dev.shopstream.pipeline.diff.DiffOutcome;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.stream.ChangeRecord;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * (f) CPU per record of diff + route, and of the analytics handler's encoding (JMH): the worker's own work, without
 * I/O.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DiffRouteBench {
  private ImageDiffer differ;
  private EventRouter router;
  private List<ChangeRecord> records;
  private int next;

  private AnalyticsSyncHandler analytics;
  private List<DomainEvent> events;

  @Setup
  public void setUp() {
    differ = ImageDiffer.standard(Clock.systemUTC());
    router = new EventRouter(List.of(new Named("email"), new Named("waitlist"), new Named("analytics")));
    records = SyntheticStream.orders(1024, 512);
    ObjectMapper json = new ObjectMapper();
    analytics = new AnalyticsSyncHandler(new CloudEventMapper(json, new PiiHasher("bench-analytics-key-0001")),
        new ContractValidator(), message -> { });
    events = records.stream().map(r -> ((DiffOutcome.Derived) differ.diff(r.change())).events().get(0)).toList();
  }

  /** The analytics handler's own work per event: CloudEvents envelope, JSON Schema check, message body. */
  @Benchmark
  public HandlerResult analyticsEncodeAndValidateOneOrder() {
    return analytics.handle(events.get(next++ & 1023));
  }

  @Benchmark
  public void diffAndRouteOneOrder(Blackhole sink) {
    ChangeRecord record = records.get(next++ & 1023);
    DiffOutcome outcome = differ.diff(record.change());
    if (outcome instanceof DiffOutcome.Derived derived) {
      for (DomainEvent event : derived.events()) {
        sink.consume(router.route(event));
      }
    }
    sink.consume(outcome);
  }

  private record Named(String name) implements EventHandler {
    @Override
    public Set<EventType> eventTypes() {
      return EnumSet.allOf(EventType.class);
    }

    @Override
    public HandlerResult handle(DomainEvent event) {
      return HandlerResult.done(name);
    }
  }
}
