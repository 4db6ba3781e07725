package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.kinesis.coordinator.WorkerStateChangeListener.WorkerState;

/** KCL's worker states as readiness and as the event a wait for the first shard ends on. */
class WorkerLifecycleTest {
  @Test
  void kclGivesUpTakingShardsWhenItsInitialisationFails() {
    WorkerLifecycle lifecycle = new WorkerLifecycle();
    lifecycle.onWorkerStateChange(WorkerState.INITIALIZING);
    assertThat(lifecycle.gaveUp()).isNotDone();

    lifecycle.onAllInitializationAttemptsFailed(new IllegalStateException("no table"));
    assertThat(lifecycle.failed()).isTrue();
    assertThat(lifecycle.gaveUp()).isDone();
  }

  @Test
  void kclGivesUpTakingShardsOnceItShutsDownButNotWhileItRuns() {
    WorkerLifecycle lifecycle = new WorkerLifecycle();
    lifecycle.onWorkerStateChange(WorkerState.STARTED);
    assertThat(lifecycle.started()).isTrue();
    assertThat(lifecycle.gaveUp()).isNotDone();

    lifecycle.onWorkerStateChange(WorkerState.SHUT_DOWN_STARTED);
    assertThat(lifecycle.gaveUp()).isDone();
    assertThat(lifecycle.hasStarted()).isTrue();
  }
}
