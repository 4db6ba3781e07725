package dev.shopstream.pipeline.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.EventSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** Big dead letters are parked a few at a time, so a run of big poison items cannot flood the heap. */
class BigParksTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger sending = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();

  /** An SQS queue whose sends wait until released, counting how many wait at once. */
  private final SqsClient blocking = new SqsClient() {
    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
      return GetQueueAttributesResponse.builder()
          .attributes(Map.of(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, Integer.toString(1024 * 1024))).build();
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
      mostAtOnce.accumulateAndGet(sending.incrementAndGet(), Math::max);
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        sending.decrementAndGet();
      }
      return SendMessageResponse.builder().messageId("m").build();
    }

    @Override
    public String serviceName() {
      return "sqs";
    }

    @Override
    public void close() {}
  };

  private static DeadLetter letter(long sizeBytes) {
    Record record = Record.builder().eventName("MODIFY").dynamodb(StreamRecord.builder().sequenceNumber("1")
        .sizeBytes(sizeBytes).keys(Map.of("PK", AttributeValue.fromS("PRODUCT#p"), "SK", AttributeValue.fromS("META")))
        .build()).build();
    return DeadLetter.rejected(new EventSource("shop", "shardId-1", "1"), record, "test", Instant.now());
  }

  private int mostParkedAtOnce(long sizeBytes) throws Exception {
    SqsDeadLetterQueue queue = new SqsDeadLetterQueue(blocking, "http://127.0.0.1/queue/dlq",
        new DeadLetterCodec(new ObjectMapper()), null, new SimpleMeterRegistry());
    ExecutorService threads = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> parks = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        parks.add(threads.submit(() -> queue.park(letter(sizeBytes))));
      }
      Thread.sleep(500); // every thread has reached its send, or waits for a turn
      int atOnce = mostAtOnce.get();
      release.countDown();
      for (Future<?> park : parks) {
        park.get(10, TimeUnit.SECONDS);
      }
      return atOnce;
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void bigLettersAreParkedTwoAtATime() throws Exception {
    assertThat(mostParkedAtOnce(300_000)).isEqualTo(SqsDeadLetterQueue.BIG_PARKS_AT_ONCE);
  }

  @Test
  void smallLettersAreNotHeldBack() throws Exception {
    assertThat(mostParkedAtOnce(2_000)).isEqualTo(6);
  }
}
