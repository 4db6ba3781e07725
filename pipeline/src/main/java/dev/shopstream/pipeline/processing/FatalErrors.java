package dev.shopstream.pipeline.processing;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a JVM Error (LinkageError, StackOverflowError, OutOfMemoryError) in the record path does: the
 * process cannot be trusted any more, and KCL would skip a record whose processing threw, so the
 * worker halts non-zero. Its orchestrator (ECS) starts a new one, which resumes from the checkpoint:
 * nothing after an unhandled record was checkpointed.
 */
public final class FatalErrors {
  /** The exit status of a worker halted by an Error. */
  public static final int EXIT_STATUS = 70;
  private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

  /** Logs once and halts the JVM (no shutdown hooks: the checkpoint stays where it was). */
  public static final Consumer<Error> HALT = error -> {
    LOG.error("FATAL: {} in the record path; halting with status {} so the worker restarts from its checkpoint",
        error, EXIT_STATUS, error);
    Runtime.getRuntime().halt(EXIT_STATUS);
  };

  /**
   * Makes an Error on any thread of the process (an SDK callback, a sender thread, KCL's own) end it the
   * same way: a thread that died of an Error leaves work that never completes (a publish whose future is
   * never answered, a lease never renewed), so the process is no more to be trusted than after an Error
   * in the record path. Other exceptions that kill a thread are logged once.
   */
  public static Thread.UncaughtExceptionHandler onAnyThread(Consumer<Error> fatal) {
    return (thread, failure) -> {
      if (failure instanceof Error error) {
        LOG.error("FATAL: {} killed thread {}", error, thread.getName());
        fatal.accept(error);
      } else {
        LOG.error("thread {} ended by an uncaught {}", thread.getName(), failure.toString(), failure);
      }
    };
  }

  private FatalErrors() {}
}
