package dev.shopstream.pipeline.kcl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.coordinator.WorkerStateChangeListener;

/** Follows KCL's worker state, for readiness and liveness. */
final class WorkerLifecycle implements WorkerStateChangeListener {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerLifecycle.class);
  private volatile WorkerState state = WorkerState.CREATED;
  private volatile boolean failed;
  private volatile boolean hasStarted;

  @Override
  public void onWorkerStateChange(WorkerState newState) {
    state = newState;
    hasStarted |= newState == WorkerState.STARTED;
    LOG.info("KCL worker state {}", newState);
  }

  @Override
  public void onAllInitializationAttemptsFailed(Throwable e) {
    failed = true;
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
}
