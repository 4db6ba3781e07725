package dev.shopstream.pipeline.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops one known false alarm: after a graceful stop in KCL 2.x-style lease assignment, KCL 3.1.1's
 * scheduler loop asks its already shut-down leader decider once a second until the loop ends, and
 * logs each time "Worker.run caught exception" with {@code IllegalStateException: LeaderDecider
 * uninitialized} and its stack trace. Every other message of the scheduler passes.
 */
public final class KclShutdownNoise extends TurboFilter {
  static final String SCHEDULER = "software.amazon.kinesis.coordinator.Scheduler";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // the throwable arrives as t, or (a parameterised message) as the last parameter
    Object cause = t != null ? t : params != null && params.length > 0 ? params[params.length - 1] : null;
    boolean noise = logger != null && SCHEDULER.equals(logger.getName()) && cause instanceof IllegalStateException state
        && "LeaderDecider uninitialized".equals(state.getMessage());
    return noise ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
