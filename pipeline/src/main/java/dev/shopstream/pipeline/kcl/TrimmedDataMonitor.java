package dev.shopstream.pipeline.kcl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;

/**
 * Makes data loss loud: when DynamoDB Streams refuses an iterator at a checkpoint because the
 * records there are past the 24 h retention, this logs an ERROR naming the shard and the position
 * from which records were lost, and counts it in {@code shop.stream.trimmed}. (The adapter on its own
 * would jump to the trim horizon with one WARN.) What happens next is the configured policy; under
 * REPAIR the {@link Listener} is told, before the shard goes on from the trim horizon. Under HOLD, KCL asks
 * again every second or so: the same refusal is counted and told once, and logged again every
 * {@link #REPEAT_LOG} with how often it came since.
 */
public final class TrimmedDataMonitor implements ExecutionInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(TrimmedDataMonitor.class);
  /** How often a refusal that keeps coming (HOLD) is logged again. */
  static final Duration REPEAT_LOG = Duration.ofMinutes(5);
  private final Counter trimmed;
  private final String policy;
  private final Clock clock;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private volatile Listener listener = shardId -> { };

  /** The last refusal of a shard: at which position, when last logged, how often since. */
  private record Seen(String position, Instant loggedAt, long since) {}

  /** Told of each shard found past the retention, on the thread that asked for its iterator. */
  @FunctionalInterface
  public interface Listener {
    void trimmed(String shardId);
  }

  public TrimmedDataMonitor(MeterRegistry registry, String policy, Clock clock) {
    this.clock = clock;
    this.trimmed = Counter.builder("shop.stream.trimmed")
        .description("Times a shard position was found past the stream's retention (records lost)").register(registry);
    this.policy = policy;
  }

  /** Who is told of each trimmed shard from now on (the gap repair; nobody by default). */
  public void listenWith(Listener listener) {
    this.listener = listener;
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    if (context.exception() instanceof TrimmedDataAccessException
        && context.request() instanceof GetShardIteratorRequest request) {
      trimmed(request.shardId(), request.sequenceNumber(), request.shardIteratorTypeAsString());
    }
  }

  void trimmed(String shardId, String sequenceNumber, String iteratorType) {
    String position = iteratorType + " " + sequenceNumber;
    Instant now = clock.instant();
    Seen last = seen.get(shardId);
    if (last != null && last.position().equals(position)) {
      if (now.isBefore(last.loggedAt().plus(REPEAT_LOG))) {
        seen.put(shardId, new Seen(position, last.loggedAt(), last.since() + 1));
      } else {
        LOG.error("DATA LOSS: shard {} position {} still refused as older than the stream's retention ({} more "
            + "time(s) since {}); policy {}", shardId, position, last.since() + 1, last.loggedAt(), policy);
        seen.put(shardId, new Seen(position, now, 0));
      }
      return;
    }
    seen.put(shardId, new Seen(position, now, 0));
    trimmed.increment();
    LOG.error("DATA LOSS: shard {} position {} is older than the stream's 24 h retention; the records between it "
        + "and the trim horizon are gone and were never handled. Policy {}: {}. The analytics sink can be repaired "
        + "from incremental exports: shop-stream snapshot --incremental-from <time of the last change handled> "
        + "(docs/operations.md, Gap repair)", shardId, position,
        policy, switch (policy) {
          case "HOLD" -> "the shard stops here until an operator acts";
          case "REPAIR" -> "going on from the oldest record still in the stream; the analytics sink is repaired from "
              + "incremental exports in the background (gap repair)";
          default -> "going on from the oldest record still in the stream";
        });
    listener.trimmed(shardId);
  }
}
