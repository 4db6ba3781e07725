package dev.shopstream.pipeline.kcl;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops two known false alarms of KCL 3.1.1's scheduler around a stop; every other message of the
 * scheduler passes.
 * <ul>
 *   <li>After a graceful stop in KCL 2.x-style lease assignment, the scheduler loop asks its already
 *       shut-down leader decider every turn until the loop ends, and logs each time "Worker.run caught
 *       exception" with {@code IllegalStateException: LeaderDecider uninitialized} and its stack trace.
 *   <li>"Shutdown requested a second time." (WARN): KCL's graceful-shutdown thread calling
 *       {@code shutdown()} after the worker already has, once every shard had checkpointed its stop.
 * </ul>
 */
public final class KclShutdownNoise extends TurboFilter {
  static final String SCHEDULER = "software.amazon.kinesis.coordinator.Scheduler";
  static final String SECOND_SHUTDOWN = "Shutdown requested a second time.";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (logger == null || !SCHEDULER.equals(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    // the throwable arrives as t, or (a parameterised message) as the last parameter
    Object cause = t != null ? t : params != null && params.length > 0 ? params[params.length - 1] : null;
    boolean noise = cause instanceof IllegalStateException state
        && "LeaderDecider uninitialized".equals(state.getMessage()) || SECOND_SHUTDOWN.equals(format);
    return noise ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
