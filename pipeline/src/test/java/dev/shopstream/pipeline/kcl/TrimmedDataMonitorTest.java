package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shopstream.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;

/** moto never trims its stream, so the boundary is driven with the SDK's own failure context. */
class TrimmedDataMonitorTest {

  private static Context.FailedExecution failure(SdkRequest request, Throwable error) {
    return new Context.FailedExecution() {
      @Override
      public Throwable exception() {
        return error;
      }

      @Override
      public SdkRequest request() {
        return request;
      }

      @Override
      public Optional<SdkHttpRequest> httpRequest() {
        return Optional.empty();
      }

      @Override
      public Optional<SdkHttpResponse> httpResponse() {
        return Optional.empty();
      }

      @Override
      public Optional<SdkResponse> response() {
        return Optional.empty();
      }
    };
  }

  @Test
  void aTrimmedCheckpointIsLoggedAsDataLossWithShardAndPositionAndCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TrimmedDataMonitor monitor = new TrimmedDataMonitor(registry, "SKIP_TO_TRIM_HORIZON", Clock.systemUTC());
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(TrimmedDataMonitor.class)).addAppender(logs);

    monitor.onExecutionFailure(failure(GetShardIteratorRequest.builder().streamArn("arn").shardId("shardId-7")
        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber("4711").build(),
        TrimmedDataAccessException.builder().message("trimmed").build()), new ExecutionAttributes());
    monitor.onExecutionFailure(failure(GetRecordsRequest.builder().shardIterator("it").build(),
        new IllegalStateException("other")), new ExecutionAttributes());

    assertThat(registry.get("shop.stream.trimmed").counter().count()).isEqualTo(1.0);
    assertThat(logs.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel().toString()).isEqualTo("ERROR");
      assertThat(event.getFormattedMessage()).contains("DATA LOSS", "shardId-7", "AFTER_SEQUENCE_NUMBER 4711",
          "SKIP_TO_TRIM_HORIZON", "going on from the oldest record", "shop-stream snapshot --incremental-from");
    });
  }

  private static Context.FailedExecution refusal(String shardId, String sequenceNumber) {
    return failure(GetShardIteratorRequest.builder().streamArn("arn").shardId(shardId)
        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(sequenceNumber).build(),
        TrimmedDataAccessException.builder().message("trimmed").build());
  }

  @Test
  void aRefusalThatKeepsComingUnderHoldIsCountedAndToldOnceAndLoggedAgainEveryFiveMinutes() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ManualClock clock = new ManualClock(Instant.parse("2026-12-02T06:00:00Z"));
    TrimmedDataMonitor monitor = new TrimmedDataMonitor(registry, "HOLD", clock);
    List<String> told = new ArrayList<>();
    monitor.listenWith(told::add);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(TrimmedDataMonitor.class)).addAppender(logs);

    for (int i = 0; i < 300; i++) { // KCL asking again about every second
      monitor.onExecutionFailure(refusal("shardId-1", "4711"), new ExecutionAttributes());
      clock.advance(Duration.ofSeconds(1));
    }
    monitor.onExecutionFailure(refusal("shardId-1", "4711"), new ExecutionAttributes());
    monitor.onExecutionFailure(refusal("shardId-2", "99"), new ExecutionAttributes());

    assertThat(registry.get("shop.stream.trimmed").counter().count()).as("one loss per shard and position")
        .isEqualTo(2.0);
    assertThat(told).containsExactly("shardId-1", "shardId-2");
    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
        first -> assertThat(first).contains("DATA LOSS: shard shardId-1", "the shard stops here"),
        again -> assertThat(again).contains("DATA LOSS: shard shardId-1 position AFTER_SEQUENCE_NUMBER 4711 still "
            + "refused", "300 more time(s) since 2026-12-02T06:00:00Z"),
        other -> assertThat(other).contains("DATA LOSS: shard shardId-2"));
  }
}
