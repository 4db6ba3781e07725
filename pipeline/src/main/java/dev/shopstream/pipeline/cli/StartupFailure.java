package dev.shopstream.pipeline.cli;

import dev.shopstream.handlers.AwsFailures;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * An expected start-up failure (a dependency unreachable or refusing, a port taken) as the one line
 * the operator needs; anything else is a bug and keeps its stack trace.
 */
record StartupFailure(String line) {

  /** @return null when {@code error} is not an expected failure */
  static StartupFailure describe(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SdkException sdk) {
        return new StartupFailure("an AWS call failed: " + firstLine(AwsFailures.describe(sdk))
            + " (check AWS_REGION, the endpoint overrides and the task role's permissions)");
      }
      if (cause instanceof UncheckedIOException io) {
        return new StartupFailure(firstLine(io.getMessage()) + ": " + io.getCause());
      }
      if (cause instanceof IllegalStateException state && state.getMessage() != null
          && state.getMessage().startsWith("table '")) {
        return new StartupFailure(state.getMessage());
      }
    }
    return null;
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
