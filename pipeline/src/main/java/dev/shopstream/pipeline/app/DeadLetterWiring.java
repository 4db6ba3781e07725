package dev.shopstream.pipeline.app;

import dev.shopstream.pipeline.config.WorkerConfig;
import dev.shopstream.pipeline.dlq.DeadLetterCodec;
import dev.shopstream.pipeline.dlq.DeadLetterRedrive;
import dev.shopstream.pipeline.dlq.OverflowStore;
import dev.shopstream.pipeline.dlq.S3OverflowStore;
import dev.shopstream.pipeline.dlq.SqsDeadLetterQueue;
import dev.shopstream.pipeline.dlq.StreamRecordFetcher;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;

/** The dead-letter queue and its redrive as the configuration says: SHOP_DLQ_URL, the overflow bucket. */
public final class DeadLetterWiring {
  private DeadLetterWiring() {}

  /** The queue the worker parks into; reads the queue's MaximumMessageSize now. */
  public static SqsDeadLetterQueue queue(WorkerConfig config, AwsClients clients, MeterRegistry registry) {
    return new SqsDeadLetterQueue(clients.sqs(), config.deadLetterQueueUrl(), codec(), overflow(config, clients), registry);
  }

  /** list and redrive: letters stored in S3 are fetched, stream references re-read from the stream. */
  public static DeadLetterRedrive redrive(WorkerConfig config, AwsClients clients) {
    return new DeadLetterRedrive(clients.sqs(), config.deadLetterQueueUrl(), codec(), overflow(config, clients),
        new StreamRecordFetcher(clients.streams(), clients::streamArn));
  }

  public static DeadLetterCodec codec() {
    return new DeadLetterCodec(new ObjectMapper());
  }

  private static OverflowStore overflow(WorkerConfig config, AwsClients clients) {
    return config.overflowBucket().<OverflowStore>map(bucket -> new S3OverflowStore(clients.s3(), bucket)).orElse(null);
  }
}
