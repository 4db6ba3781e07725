package dev.shopstream.pipeline.app;

import dev.shopstream.handlers.AwsFailures;
import dev.shopstream.handlers.HandlerModule;
import dev.shopstream.handlers.HandlerResources;
import dev.shopstream.handlers.idempotency.IdempotencySettings;
import dev.shopstream.pipeline.dlq.DeadLetterSettings;
import dev.shopstream.pipeline.kcl.KclApplication;
import dev.shopstream.pipeline.kcl.StreamLocator;
import dev.shopstream.pipeline.kcl.StreamSettings;
import dev.shopstream.pipeline.kcl.TrimmedDataSettings;
import dev.shopstream.pipeline.kcl.WorkerIdInUse;
import dev.shopstream.pipeline.snapshot.TableExports;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What {@code run} checks before it starts: the table and its stream, the idempotency table (when a
 * handler claims effects), the dead-letter queue and its overflow bucket, what each enabled handler
 * sends to, and that no other running worker uses this worker id ({@link WorkerIdInUse}). Without it a missing queue or
 * topic would surface as every record failing while the worker looks healthy.
 */
public final class Preflight {
  /** @param problems one line each, naming the setting or resource to fix; empty: ready to start */
  public record Report(List<String> problems) {}

  private Preflight() {}

  static Report run(WorkerConfig config, AwsClients clients, List<HandlerModule.Factory> handlers,
      HandlerResources resources) {
    Set<String> problems = new LinkedHashSet<>();
    problems.addAll(check(() -> StreamLocator.latestStreamArn(clients.dynamo(), config.table()),
        "DynamoDB (" + StreamSettings.TABLE.envName() + "=" + config.table() + ")"));
    if (handlers.stream().anyMatch(HandlerModule.Factory::claimsEffects)) {
      String table = config.idempotency().table();
      problems.addAll(checkExists(() -> clients.dynamo().describeTable(r -> r.tableName(table)),
          ResourceNotFoundException.class,
          IdempotencySettings.TABLE.envName() + ": table '" + table + "' does not exist: "
              + "create it with a string key 'id' and TTL on 'expiresAt' (docs/architecture.md, Delivery guarantees); "
              + "without it every email and notice would fail",
              IdempotencySettings.TABLE.envName() + ": cannot read table '" + table + "'"));
    }
    problems.addAll(check(() -> clients.sqs().getQueueAttributes(r -> r.queueUrl(config.deadLetters().queueUrl())
        .attributeNames(QueueAttributeName.QUEUE_ARN)),
        DeadLetterSettings.QUEUE_URL.envName() + ": queue " + config.deadLetters().queueUrl()));
    config.deadLetters().overflowBucket().ifPresent(bucket ->
        problems.addAll(checkExists(() -> clients.s3().headBucket(r -> r.bucket(bucket)), NoSuchBucketException.class,
            DeadLetterSettings.OVERFLOW_BUCKET.envName() + ": bucket '" + bucket + "' does not exist: dead letters "
                + "above the queue's size limit could not be parked whole",
            DeadLetterSettings.OVERFLOW_BUCKET.envName() + ": cannot use bucket '" + bucket + "'")));
    if (config.trimmedData().repairs()) {
      problems.addAll(gapRepair(config, clients));
    }
    for (HandlerModule.Factory handler : handlers) {
      problems.addAll(handler.preflight(resources));
    }
    if (problems.isEmpty()) {
      problems.addAll(workerIdFree(config, clients));
    }
    return new Report(List.copyOf(problems));
  }

  /**
   * Last, and only when all else passed: it may wait a lease duration (when leases under this worker id are
   * in the lease table), and a start refused anyway need not wait nor hear twice that DynamoDB is unreachable.
   */
  private static List<String> workerIdFree(WorkerConfig config, AwsClients clients) {
    KclApplication application = config.application();
    String what = KclApplication.WORKER_ID.envName() + ": cannot read the lease table '" + application.name() + "'";
    try {
      return WorkerIdInUse.check(clients.dynamo(), application.name(), application.workerId(),
          config.kcl().failover(), WorkerIdInUse.Pause.REAL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of(what + ": interrupted");
    } catch (SdkException e) {
      return List.of(what + ": " + AwsFailures.describe(e));
    }
  }

  /** The REPAIR policy's needs, checked before a gap makes them matter: its bucket, point-in-time recovery. */
  private static List<String> gapRepair(WorkerConfig config, AwsClients clients) {
    String bucket = config.trimmedData().repairBucket();
    List<String> problems = new ArrayList<>(checkExists(() -> clients.s3().headBucket(r -> r.bucket(bucket)),
        NoSuchBucketException.class, TrimmedDataSettings.GAP_REPAIR_BUCKET.envName() + ": bucket '" + bucket
            + "' does not exist: a gap past the stream's retention could not be repaired",
            TrimmedDataSettings.GAP_REPAIR_BUCKET.envName() + ": cannot use bucket '" + bucket + "'"));
    String what = TrimmedDataSettings.POLICY.envName() + "=REPAIR: cannot read the point-in-time recovery of table '"
        + config.table() + "'";
    try {
      TableExports exports = new TableExports(clients.dynamo(), clients.s3(), Clock.systemUTC());
      if (exports.earliestRestorable(config.table()) == null) {
        problems.add(TrimmedDataSettings.POLICY.envName() + "=REPAIR needs point-in-time recovery on table '"
            + config.table() + "' (incremental exports read it): enable it, or choose SKIP_TO_TRIM_HORIZON");
      }
    } catch (SdkException e) {
      problems.add(what + ": " + AwsFailures.describe(e));
    }
    return problems;
  }

  /** One line if {@code call} fails: {@code ifMissing} when it says the resource does not exist, else why it failed. */
  private static List<String> checkExists(Runnable call, Class<? extends SdkException> missing, String ifMissing,
      String what) {
    try {
      call.run();
      return List.of();
    } catch (SdkException e) {
      return List.of(missing.isInstance(e) ? ifMissing : what + ": " + AwsFailures.describe(e));
    }
  }

  private static List<String> check(Runnable call, String what) {
    try {
      call.run();
      return List.of();
    } catch (IllegalStateException e) {
      return List.of(what + ": " + e.getMessage());
    } catch (SdkException e) {
      return List.of(what + ": " + AwsFailures.describe(e));
    }
  }

}
