package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
    TrimmedDataMonitor monitor = new TrimmedDataMonitor(registry, "SKIP_TO_TRIM_HORIZON");
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
}
