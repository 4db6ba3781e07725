package dev.shopstream.pipeline.kcl;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.kinesis.metrics.MetricsFactory;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.MetricsScope;

/**
 * KCL's own metrics, recorded into the worker's Micrometer registry instead of CloudWatch. Each datum
 * KCL adds to a scope is recorded when the scope ends, under {@code kcl.<name>} (KCL's name in snake
 * case: {@code LeaseTaker}'s {@code TakenLeases} becomes {@code kcl_taken_leases}), tagged with KCL's
 * {@code Operation} and {@code ShardId} dimensions as {@code operation} and {@code shard} ({@value #NONE}
 * where KCL gives none; the worker and stream dimensions are left out, they are the same for every
 * datum of a worker). Time units become a {@link Timer}, anything else a {@link DistributionSummary}
 * (count, sum, max: a success is 1, a failure 0, so sum / count is the success ratio). Data below the
 * configured level are dropped, as KCL's CloudWatch factory drops them. Meters of a shard not recorded
 * for {@link #IDLE_SHARD_METERS} are removed, so shards that ended (every few hours on DynamoDB
 * Streams) do not pile up.
 */
public final class KclMicrometerMetrics implements MetricsFactory {
  static final String NONE = "none";
  static final Duration IDLE_SHARD_METERS = Duration.ofMinutes(10);
  private static final Logger LOG = LoggerFactory.getLogger(KclMicrometerMetrics.class);

  private final MeterRegistry registry;
  private final MetricsLevel level;
  private final Clock clock;
  private final Map<Meter.Id, Instant> shardMeters = new ConcurrentHashMap<>();
  private final Map<MeterKey, Meter> meters = new ConcurrentHashMap<>();
  private volatile Instant nextSweep;

  /** What a datum's meter is known by before its name is worked out. */
  private record MeterKey(String kclName, StandardUnit unit, Tags tags) {}

  public KclMicrometerMetrics(MeterRegistry registry, KclMetricsLevel level, Clock clock) {
    this.registry = registry;
    this.level = MetricsLevel.fromName(level.name());
    this.clock = clock;
    this.nextSweep = clock.instant().plus(Duration.ofMinutes(1));
    // a meter removed (a quiet shard's, swept here or by another worker on the same registry) is registered anew
    registry.config().onMeterRemoved(removed -> meters.values().removeIf(meter -> meter == removed));
  }

  /** The level as KCL's metrics configuration wants it. */
  public MetricsLevel level() {
    return level;
  }

  @Override
  public MetricsScope createMetrics() {
    return new Scope();
  }

  /** One KCL operation's data, recorded together with its final dimensions when KCL ends the scope. */
  private final class Scope implements MetricsScope {
    private record Datum(String name, double value, StandardUnit unit) {}

    private final List<Datum> data = new ArrayList<>();
    private String operation = NONE;
    private String shard = NONE;
    private boolean ended;

    @Override
    public void addData(String name, double value, StandardUnit unit) {
      addData(name, value, unit, MetricsLevel.DETAILED);
    }

    @Override
    public synchronized void addData(String name, double value, StandardUnit unit, MetricsLevel datumLevel) {
      if (!ended && datumLevel.getValue() >= level.getValue() && level != MetricsLevel.NONE) {
        data.add(new Datum(name, value, unit));
      }
    }

    @Override
    public synchronized void addDimension(String name, String value) {
      if ("Operation".equals(name) && value != null) {
        operation = value;
      } else if ("ShardId".equals(name) && value != null) {
        shard = value;
      }
    }

    @Override
    public synchronized void end() {
      if (ended) {
        return;
      }
      ended = true;
      Tags tags = Tags.of("operation", operation, "shard", shard);
      for (Datum datum : data) {
        record(datum.name(), datum.value(), datum.unit(), tags, !NONE.equals(shard));
      }
      sweepIfDue();
    }
  }

  private void record(String kclName, double value, StandardUnit unit, Tags tags, boolean perShard) {
    try {
      Meter meter = meter(new MeterKey(kclName, unit, tags));
      Duration time = duration(value, unit);
      if (time != null) {
        ((Timer) meter).record(time);
      } else {
        ((DistributionSummary) meter).record(value);
      }
      if (perShard) {
        shardMeters.put(meter.getId(), clock.instant());
      }
    } catch (IllegalArgumentException e) {
      // the same name under another unit elsewhere in KCL: one of them is kept
      LOG.debug("KCL metric {} ({}) not recorded: {}", kclName, unit, e.getMessage());
    }
  }

  /**
   * The meter of a datum, registered on first use and kept while the registry has it: KCL adds some data
   * per record (the bytes of each record processed), and a meter name and id built each time cost far
   * more than the count.
   */
  private Meter meter(MeterKey key) {
    Meter meter = meters.get(key);
    return meter != null ? meter : meters.computeIfAbsent(key, this::register);
  }

  private Meter register(MeterKey key) {
    String name = "kcl." + meterName(key.kclName());
    if (duration(0, key.unit()) != null) {
      return Timer.builder(name).description("KCL metric " + key.kclName()).tags(key.tags()).register(registry);
    }
    return DistributionSummary.builder(name).description("KCL metric " + key.kclName())
        .baseUnit(key.unit() == StandardUnit.BYTES ? "bytes" : null).tags(key.tags()).register(registry);
  }

  private void sweepIfDue() {
    Instant now = clock.instant();
    if (now.isBefore(nextSweep)) {
      return;
    }
    nextSweep = now.plus(Duration.ofMinutes(1));
    Instant idleSince = now.minus(IDLE_SHARD_METERS);
    shardMeters.entrySet().removeIf(entry -> {
      if (entry.getValue().isBefore(idleSince)) {
        registry.remove(entry.getKey());
        return true;
      }
      return false;
    });
  }

  private static Duration duration(double value, StandardUnit unit) {
    if (unit == StandardUnit.MILLISECONDS) {
      return Duration.ofNanos(Math.round(value * 1e6));
    } else if (unit == StandardUnit.SECONDS) {
      return Duration.ofNanos(Math.round(value * 1e9));
    } else if (unit == StandardUnit.MICROSECONDS) {
      return Duration.ofNanos(Math.round(value * 1e3));
    }
    return null;
  }

  /**
   * KCL's metric name in snake case, words split at case changes and at anything not a letter or digit; a
   * stream ARN in it (the adapter's {@code ShardSyncLatency:<arn>.Time}) is left out, one name per metric.
   */
  static String meterName(String kclName) {
    int arn = kclName.indexOf(":arn:");
    String name = arn < 0 ? kclName
        : kclName.substring(0, arn) + kclName.substring(Math.max(arn, kclName.lastIndexOf('.')));
    String words = name.replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2").replaceAll("([a-z0-9])([A-Z])", "$1_$2")
        .replaceAll("[^A-Za-z0-9.]+", "_").replaceAll("_?\\._?", ".").replaceAll("^[_.]+|[_.]+$", "");
    return words.toLowerCase(Locale.ROOT);
  }
}
