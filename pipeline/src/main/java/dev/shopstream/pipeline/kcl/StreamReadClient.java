package dev.shopstream.pipeline.kcl;

import com.amazonaws.services.dynamodbv2.streamsadapter.AmazonDynamoDBStreamsAdapterClient;
import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsGetRecordsResponseAdapter;
import com.amazonaws.services.dynamodbv2.streamsadapter.util.AmazonServiceExceptionTransformer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The adapter's client that KCL reads the stream through, given to
 * {@code StreamsSchedulerFactory.createScheduler} in place of the one it would build: GetRecords as the
 * adapter makes it (same call, same exception translation, on a thread of its own while KCL's fetcher
 * waits), answered with {@link RecordsConvertedOnce}. The adapter runs each call with
 * {@code CompletableFuture.supplyAsync} on the common pool, which on one or two cores starts a new
 * thread per call; these calls reuse idle threads (one per shard being read, ended after a minute idle).
 */
final class StreamReadClient extends AmazonDynamoDBStreamsAdapterClient {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private final DynamoDbStreamsClient streams;
  private final ExecutorService calls;

  StreamReadClient(DynamoDbStreamsClient streams, Region region) {
    super(streams, region);
    this.streams = streams;
    this.calls = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
      Thread thread = new Thread(task, "stream-read-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public CompletableFuture<DynamoDBStreamsGetRecordsResponseAdapter> getDynamoDBStreamsRecords(
      GetRecordsRequest request) {
    return CompletableFuture.supplyAsync(() -> {
      GetRecordsResponse response;
      try {
        response = streams.getRecords(request);
      } catch (AwsServiceException e) {
        throw AmazonServiceExceptionTransformer.transformDynamoDBStreamsToKinesisGetRecords(e,
            getSkipRecordsBehavior());
      }
      return new RecordsConvertedOnce(response);
    }, calls);
  }

  @Override
  public void close() {
    calls.shutdown();
    super.close();
  }
}
