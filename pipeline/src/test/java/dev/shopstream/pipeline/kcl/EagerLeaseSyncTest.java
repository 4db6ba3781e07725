package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.streamsadapter.model.DynamoDBStreamsProcessRecordsInput;
import com.amazonaws.services.dynamodbv2.streamsadapter.processor.DynamoDBStreamsShardRecordProcessor;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.pipeline.app.WorkerConfig;
import dev.shopstream.pipeline.testing.LeaseTable;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.testkit.topology.StreamTopologyProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;

/**
 * {@code SHOP_KCL_EAGER_LEASE_SYNC} against the local stream seen as 4 shards: before the scheduler runs,
 * an empty lease table gets a lease per shard at the initial position; a table with leases is left as it
 * is; two workers starting together create each lease once. The schedulers here are built the product's
 * way and never run, so what is in the lease table is this class's doing, not KCL's.
 */
@Tag("integration")
class EagerLeaseSyncTest {
  private static final int SHARDS = 4;
  private static LocalShopStack stack;
  private static StreamTopologyProxy proxy;
  private static final List<AutoCloseable> CLIENTS = new ArrayList<>();

  @BeforeAll
  static void start() {
    stack = LocalWorkers.stack();
    proxy = StreamTopologyProxy.start(stack.moto.endpoint(), LocalShopStack.TABLE, SHARDS);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable client : CLIENTS) {
      client.close();
    }
    proxy.close();
    stack.close();
  }

  @Test
  void anEmptyLeaseTableGetsALeasePerShardAtTheInitialPositionBeforeKclRuns() {
    WorkerConfig config = config("eager-new", "TRIM_HORIZON");
    Scheduler scheduler = scheduler(config);

    assertThat(scheduler.shardConsumerDispatchPollIntervalMillis()).as("SHOP_KCL_DISPATCH_MILLIS reaches KCL")
        .isEqualTo(config.kcl().dispatchInterval().toMillis());
    assertThat(EagerLeaseSync.prepare(scheduler)).as("created the leases").isTrue();

    Map<String, LeaseTable.Lease> leases = new LeaseTable(stack.dynamo, "eager-new").leases();
    assertThat(leases.keySet()).containsExactlyInAnyOrderElementsOf(proxy.shardIds());
    assertThat(leases.values()).allSatisfy(lease -> {
      assertThat(lease.owner()).as("no owner until a worker takes it").isNull();
      assertThat(lease.checkpoint()).isEqualTo("TRIM_HORIZON");
    });
  }

  @Test
  void aLeaseTableWithLeasesIsLeftAsItIs() {
    Scheduler first = scheduler(config("eager-existing", "LATEST"));
    assertThat(EagerLeaseSync.prepare(first)).isTrue();
    LeaseTable table = new LeaseTable(stack.dynamo, "eager-existing");
    String shard = proxy.shardIds().get(0);
    stack.dynamo.deleteItem(r -> r.tableName("eager-existing")
        .key(Map.of("leaseKey", AttributeValue.fromS(shard))));
    Map<String, LeaseTable.Lease> before = table.leases();

    assertThat(EagerLeaseSync.prepare(scheduler(config("eager-existing", "LATEST")))).as("leases exist: nothing to do")
        .isFalse();
    assertThat(table.leases()).as("the missing lease is KCL's periodic shard sync's to restore, not ours")
        .isEqualTo(before).doesNotContainKey(shard);
  }

  @Test
  void workersStartingTogetherCreateEachLeaseOnce() {
    WorkerConfig config = config("eager-together", "LATEST");
    List<Scheduler> schedulers = List.of(scheduler(config, "a"), scheduler(config, "b"), scheduler(config, "c"));

    List<Boolean> created = schedulers.stream()
        .map(s -> CompletableFuture.supplyAsync(() -> EagerLeaseSync.prepare(s))).toList()
        .stream().map(CompletableFuture::join).toList();

    assertThat(created).as("at least one created them; none failed loudly").contains(true);
    assertThat(new LeaseTable(stack.dynamo, "eager-together").leases()).hasSize(SHARDS)
        .allSatisfy((shard, lease) -> assertThat(lease.checkpoint()).isEqualTo("LATEST"));
  }

  private static WorkerConfig config(String application, String position) {
    Map<String, String> env = stack.workerEnvironment(application);
    env.put("SHOP_DYNAMODB_ENDPOINT", proxy.endpoint().toString());
    env.put("SHOP_INITIAL_POSITION", position);
    env.put("SHOP_HANDLERS", "logging");
    env.put("SHOP_WORKER_ID", "eager-test");
    return CompositionRoot.configuration(env, HandlerCatalogue.standard());
  }

  /** KCL's scheduler for the proxied stream, built as the worker builds it; its processors are never asked for. */
  private static Scheduler scheduler(WorkerConfig config) {
    return scheduler(config, config.application().workerId());
  }

  /** As worker {@code workerId} of {@code config}'s application. */
  private static Scheduler scheduler(WorkerConfig config, String workerId) {
    KclApplication application = new KclApplication(config.application().name(), workerId,
        config.application().initialPosition());
    URI endpoint = proxy.endpoint();
    DynamoDbAsyncClient leases = DynamoDbAsyncClient.builder().endpointOverride(endpoint).region(LocalAws.REGION)
        .credentialsProvider(LocalAws.CREDENTIALS).build();
    DynamoDbStreamsClient streams = LocalAws.client(DynamoDbStreamsClient.builder(), endpoint);
    CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.builder().endpointOverride(endpoint)
        .region(LocalAws.REGION).credentialsProvider(LocalAws.CREDENTIALS).build();
    CLIENTS.addAll(List.of(leases, streams, cloudWatch));
    return KclSchedulerBuilder.build(config.worker(application, config.handlers()), NeverRun::new, proxy.streamArn(),
        leases, streams, cloudWatch, state -> { }, new SimpleMeterRegistry());
  }

  /** The adapter asks for one processor when the scheduler is built; no shard is processed here. */
  private static final class NeverRun implements DynamoDBStreamsShardRecordProcessor {
    @Override
    public void initialize(InitializationInput input) {
      unexpected();
    }

    @Override
    public void processRecords(DynamoDBStreamsProcessRecordsInput input) {
      unexpected();
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
      unexpected();
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
      unexpected();
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
      unexpected();
    }

    private static void unexpected() {
      throw new AssertionError("no shard is processed in this test");
    }
  }
}
