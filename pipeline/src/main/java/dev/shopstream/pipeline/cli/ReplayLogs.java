package dev.shopstream.pipeline.cli;

import static org.slf4j.Logger.ROOT_LOGGER_NAME;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * While a replay runs its progress owns the terminal: every log line (per-record lines of thousands of
 * records included) goes to a file instead of stdout, and comes back to stdout when the replay is over.
 */
final class ReplayLogs implements AutoCloseable {
  private final Logger root;
  private final List<Appender<ILoggingEvent>> detached;
  private final FileAppender<ILoggingEvent> file;

  private ReplayLogs(Logger root, List<Appender<ILoggingEvent>> detached, FileAppender<ILoggingEvent> file) {
    this.root = root;
    this.detached = detached;
    this.file = file;
  }

  /** Sends every log line to {@code path} (appended, one readable line each) until closed. */
  static ReplayLogs toFile(Path path) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(ROOT_LOGGER_NAME);
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} %X{shard} %X{sequenceNumber} - %msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> file = new FileAppender<>();
    file.setContext(context);
    file.setName("replay-file");
    file.setFile(path.toString());
    file.setAppend(true);
    file.setEncoder(encoder);
    file.start();
    List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(detached::add);
    root.addAppender(file);
    detached.forEach(root::detachAppender);
    return new ReplayLogs(root, detached, file);
  }

  @Override
  public void close() {
    detached.forEach(root::addAppender);
    root.detachAppender(file);
    file.stop();
  }
}
