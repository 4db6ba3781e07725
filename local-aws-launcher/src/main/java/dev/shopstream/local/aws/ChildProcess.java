package dev.shopstream.local.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A local service running as a child process, with its output in a log file.
 *
 * <p>Its standard input stays open as a lifeline: our launchers exit when it closes, so a service
 * does not outlive the JVM that started it. {@link #close} stops it (SIGTERM, then SIGKILL).
 */
public final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public static ChildProcess start(String name, List<String> command, Path workDir, Path log,
      Map<String, String> environment) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      ChildProcess child = new ChildProcess(name, process, log);
      Runtime.getRuntime().addShutdownHook(new Thread(child::close, "stop-" + name));
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + " (" + String.join(" ", command) + ")", e);
    }
  }

  /** Waits until {@code ready} holds, failing early with the log's tail if the process dies. */
  public void awaitReady(BooleanSupplier ready, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue()
            + " before it was ready; its log " + log + " ends with:\n" + logTail());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      sleep(100);
    }
    close();
    throw new IllegalStateException(name + " was not ready within " + timeout + "; its log " + log
        + " ends with:\n" + logTail());
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a local service", e);
    }
  }
}
