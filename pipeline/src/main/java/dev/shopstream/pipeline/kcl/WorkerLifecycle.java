package dev.shopstream.pipeline.kcl;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.coordinator.WorkerStateChangeListener;

/** Follows KCL's worker state, for readiness and liveness. */
final class WorkerLifecycle implements WorkerStateChangeListener {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerLifecycle.class);
  private volatile WorkerState state = WorkerState.CREATED;
  private volatile boolean failed;
  private volatile boolean hasStarted;
  private final CompletableFuture<Void> gaveUp = new CompletableFuture<>();

  @Override
  public void onWorkerStateChange(WorkerState newState) {
    state = newState;
    hasStarted |= newState == WorkerState.STARTED;
    if (newState == WorkerState.SHUT_DOWN_STARTED || newState == WorkerState.SHUT_DOWN) {
      gaveUp.complete(null);
    }
    LOG.info("KCL worker state {}", newState);
  }

  @Override
  public void onAllInitializationAttemptsFailed(Throwable e) {
    failed = true;
    gaveUp.complete(null);
    LOG.error("KCL could not initialise (tables, stream or permissions?); the worker is not live", e);
  }

  boolean started() {
    return state == WorkerState.STARTED;
  }

  /** KCL finished initialising at some point (it may be shutting down now). */
  boolean hasStarted() {
    return hasStarted;
  }

  boolean failed() {
    return failed;
  }

  /** Completes when KCL will take no shard any more: its initialisation failed, or it is shutting down. */
  CompletableFuture<Void> gaveUp() {
    return gaveUp.copy();
  }
}
