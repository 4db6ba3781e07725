package dev.shopstream.pipeline.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.handlers.HandlerResources;
import dev.shopstream.handlers.idempotency.DynamoIdempotencyStore;
import dev.shopstream.handlers.idempotency.IdempotencySettings;
import dev.shopstream.handlers.idempotency.IdempotencyStore;
import dev.shopstream.handlers.idempotency.LeaseView;
import dev.shopstream.handlers.idempotency.OnceOnly;
import dev.shopstream.handlers.idempotency.Reconciliation;
import dev.shopstream.handlers.idempotency.ShardLease;
import dev.shopstream.handlers.tracing.Tracing;
import dev.shopstream.pipeline.kcl.KclApplication;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * What the handlers a composition root builds share: the AWS clients (by type, on first use), one claim store
 * and one {@link OnceOnly} per build, fenced by whatever leases the root's worker holds when an effect is
 * admitted.
 */
final class WorkerResources implements HandlerResources {
  private final AwsClients clients;
  private final String table;
  private final IdempotencySettings idempotency;
  private final KclApplication application;
  private final Supplier<LeaseView> admission;
  private final Clock clock;
  private final ObjectMapper json;
  private final Tracing tracing;
  private final Consumer<AutoCloseable> closeWith;
  private IdempotencyStore claims;
  private OnceOnly onceOnly;

  /**
   * @param admission the leases effects are admitted under, read at each admission: none until the root runs
   *     its worker (a redrive holds no lease)
   * @param closeWith where what a handler starts is handed, to be closed with the root
   */
  WorkerResources(AwsClients clients, String table, IdempotencySettings idempotency, KclApplication application,
      Supplier<LeaseView> admission, Clock clock, ObjectMapper json, Tracing tracing,
      Consumer<AutoCloseable> closeWith) {
    this.clients = clients;
    this.table = table;
    this.idempotency = idempotency;
    this.application = application;
    this.admission = admission;
    this.clock = clock;
    this.json = json;
    this.tracing = tracing;
    this.closeWith = closeWith;
  }

  @Override
  public <T extends SdkClient> T client(Class<T> type) {
    return clients.client(type);
  }

  @Override
  public String table() {
    return table;
  }

  @Override
  public synchronized IdempotencyStore claims() {
    if (claims == null) {
      claims = new DynamoIdempotencyStore(clients.dynamo(), idempotency.table(), clock, idempotency.claimTimeout(),
          idempotency.retention(), idempotency.effectWindow());
    }
    return claims;
  }

  @Override
  public synchronized OnceOnly onceOnly() {
    if (onceOnly == null) {
      // one owner token per worker: its own claims are recognised, a previous process's are not
      LeaseView fencing = new LeaseView() {
        @Override
        public ShardLease admit(EventSource source) {
          return admission.get().admit(source);
        }

        @Override
        public void superseded(EventSource source, ShardLease lease, long newerEpoch) {
          admission.get().superseded(source, lease, newerEpoch);
        }
      };
      onceOnly = new OnceOnly(claims(), OnceOnly.newOwnerToken(application.workerId()), fencing,
          Reconciliation.NONE, clock, idempotency.effectWindow());
    }
    return onceOnly;
  }

  @Override
  public String claimsTable() {
    return idempotency.table();
  }

  @Override
  public Duration claimRetention() {
    return idempotency.retention();
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public ObjectMapper json() {
    return json;
  }

  @Override
  public Tracing tracing() {
    return tracing;
  }

  @Override
  public void closeWith(AutoCloseable resource) {
    closeWith.accept(resource);
  }

  /**
   * Distinct owners in the lease table (one Scan of as many items as shards); 1 outside the worker, and 1 before
   * KCL has created the lease table of a new application (this worker is its first).
   */
  @Override
  public int liveWorkers() {
    if (admission.get() == LeaseView.NONE) {
      return 1;
    }
    try {
      return (int) Math.max(1, clients.dynamo().scanPaginator(r -> r.tableName(application.name())
              .projectionExpression("leaseOwner")).items().stream()
          .map(item -> item.get("leaseOwner")).filter(owner -> owner != null && owner.s() != null)
          .map(owner -> owner.s()).distinct().count());
    } catch (ResourceNotFoundException e) {
      return 1;
    }
  }
}
