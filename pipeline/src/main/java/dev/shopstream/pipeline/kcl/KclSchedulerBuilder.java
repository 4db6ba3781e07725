package dev.shopstream.pipeline.kcl;

import com.amazonaws.services.dynamodbv2.streamsadapter.AmazonDynamoDBStreamsAdapterClient;
import com.amazonaws.services.dynamodbv2.streamsadapter.StreamsSchedulerFactory;
import com.amazonaws.services.dynamodbv2.streamsadapter.polling.DynamoDBStreamsPollingConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.CoordinatorConfig;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.coordinator.WorkerStateChangeListener;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;
import software.amazon.kinesis.processor.StreamTracker;

/** Builds the KCL 3 {@link Scheduler} for the table's stream through the DynamoDB Streams adapter. */
public final class KclSchedulerBuilder {
  private KclSchedulerBuilder() {}

  /** @param streamArn the table's stream, as {@link StreamLocator#latestStreamArn} gives it */
  public static Scheduler build(WorkerSettings config, ShardRecordProcessorFactory processors, String streamArn,
      DynamoDbAsyncClient leaseClient, DynamoDbStreamsClient streams, CloudWatchAsyncClient cloudWatch,
      WorkerStateChangeListener lifecycle, MeterRegistry registry) {
    Region region = streams.serviceClientConfiguration().region();
    // The one adapter client KCL uses for everything (shard sync, iterators, reads); trimmed records are
    // reported loudly by TrimmedDataMonitor, then the configured policy applies on this client.
    StreamReadClient adapter = new StreamReadClient(streams, region);
    adapter.setSkipRecordsBehavior(config.trimmedData() == TrimmedDataPolicy.HOLD
        ? AmazonDynamoDBStreamsAdapterClient.SkipRecordsBehavior.KCL_RETRY
        : AmazonDynamoDBStreamsAdapterClient.SkipRecordsBehavior.SKIP_RECORDS_TO_TRIM_HORIZON);

    InitialPositionInStream position =
        config.application().initialPosition() == KclApplication.StartPosition.TRIM_HORIZON
        ? InitialPositionInStream.TRIM_HORIZON : InitialPositionInStream.LATEST;
    StreamTracker tracker = StreamsSchedulerFactory.createSingleStreamTracker(streamArn,
        InitialPositionInStreamExtended.newInitialPosition(position));
    ConfigsBuilder configs = new ConfigsBuilder(tracker, config.application().name(), adapter, leaseClient, cloudWatch,
        config.application().workerId(), processors);

    KclSettings kcl = config.kcl();
    CoordinatorConfig coordinator = configs.coordinatorConfig().workerStateChangeListener(lifecycle)
        .skipShardSyncAtWorkerInitializationIfLeasesExist(true)
        .shardConsumerDispatchPollIntervalMillis(kcl.dispatchInterval().toMillis());
    if (kcl.assignment() == LeaseAssignment.WORKERS) {
      // KCL 2.x-style lease taking: no leader whose death stalls every assignment for its 2-minute lock
      coordinator.clientVersionConfig(CoordinatorConfig.ClientVersionConfig.CLIENT_VERSION_CONFIG_COMPATIBLE_WITH_2X);
    }
    LeaseAssignmentPin.apply(leaseClient, coordinator.coordinatorStateTableConfig().tableName(),
        kcl.assignment(), config.application().workerId(), Clock.systemUTC());

    long leaseAssignment = kcl.leaseAssignmentInterval().toMillis();
    LeaseManagementConfig leases = configs.leaseManagementConfig()
        // The adapter otherwise idles 60 s after its initial shard sync before taking leases.
        .shardSyncIntervalMillis(0)
        // What the adapter would otherwise set itself, with a WARN each (DynamoDB Streams has no hash-key holes).
        .leasesRecoveryAuditorInconsistencyConfidenceThreshold(0)
        .failoverTimeMillis(kcl.failover().toMillis())
        .leaseAssignmentIntervalMillis(leaseAssignment);
    if (kcl.assignment() == LeaseAssignment.LEADER) {
      // KCL's leader lock defaults to a 2-minute lease (30 s heartbeat): a dead leader stalls every
      // assignment that long. Tied to the lease duration instead: 4 x it, renewed every lease duration.
      leases.dynamoDbLockBasedLeaderLeaseDurationInMillis(4 * kcl.failover().toMillis())
          .dynamoDbLockBasedLeaderHeartbeatPeriodInMillis(kcl.failover().toMillis());
    }
    leases.workerUtilizationAwareAssignmentConfig()
        .disableWorkerMetrics(!kcl.workerMetrics())
        .workerMetricsReporterFreqInMillis(Math.min(30_000L, leaseAssignment))
        .inMemoryWorkerMetricsCaptureFrequencyMillis(Math.min(1_000L, leaseAssignment));

    KclMicrometerMetrics kclMetrics = new KclMicrometerMetrics(registry, kcl.metricsLevel(),
        Clock.systemUTC());
    DynamoDBStreamsPollingConfig polling = new DynamoDBStreamsPollingConfig(adapter);
    polling.idleTimeBetweenReadsInMillis(config.stream().pollIdle().toMillis());
    polling.maxRecords(config.stream().maxRecordsPerPoll());

    return StreamsSchedulerFactory.createScheduler(
        configs.checkpointConfig(),
        coordinator,
        leases,
        configs.lifecycleConfig(),
        // KCL's metrics into the worker's registry (Prometheus), never CloudWatch
        configs.metricsConfig().metricsLevel(kclMetrics.level()).metricsFactory(kclMetrics),
        // empty polls reach the processor: that is how a shard is seen to have caught up (lag, replay)
        configs.processorConfig().callProcessRecordsEvenForEmptyRecordList(true),
        configs.retrievalConfig().retrievalSpecificConfig(polling),
        adapter);
  }
}
