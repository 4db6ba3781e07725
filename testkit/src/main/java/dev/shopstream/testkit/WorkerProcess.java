package dev.shopstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The worker as its own JVM ({@code Main run}, from this JVM's class path, with its own logging
 * configuration), as ECS runs it: for SIGTERM and kill -9 tests and the start-up benchmark.
 */
public final class WorkerProcess implements AutoCloseable {
  private static final String MAIN = "dev.shopstream.pipeline.cli.Main";
  private final Process process;
  private final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** With the tests' JVM flags: a small heap, C1 only (quicker to start on a loaded machine). */
  public static WorkerProcess start(Map<String, String> env, Path log) {
    return start(env, log, List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"));
  }

  /** With {@code jvmFlags} (the image's, to time a start as ECS would see it). */
  public static WorkerProcess start(Map<String, String> env, Path log, List<String> jvmFlags) {
    return launch(env, log, jvmFlags, List.of("run"), true);
  }

  /**
   * Another command of the CLI ({@code status --json}, say) as its own JVM, as an operator runs it: its
   * stdout goes to {@code out} ({@link #log()}), its stderr to {@code out} with {@code .err} appended.
   */
  public static WorkerProcess command(Map<String, String> env, Path out, String... args) {
    return launch(env, out, List.of("-XX:TieredStopAtLevel=1"), List.of(args), false);
  }

  private static WorkerProcess launch(Map<String, String> env, Path log, List<String> jvmFlags, List<String> args,
      boolean errorsToLog) {
    try {
      Files.createDirectories(log.getParent());
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmFlags);
      command.add(workerLogging());
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN));
      command.addAll(args);
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(log.toFile());
      if (errorsToLog) {
        builder.redirectErrorStream(true);
      } else {
        builder.redirectError(Path.of(log + ".err").toFile());
      }
      builder.environment().putAll(env);
      return new WorkerProcess(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the process to exit by itself; false if it did not within {@code bound}. */
  public boolean awaitExit(Duration bound) throws InterruptedException {
    return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The worker's own logging configuration, the logback.xml beside {@code Main}: the class path of a
   * test or benchmark JVM has its own logback configuration first, which would stand in for it.
   */
  private static String workerLogging() {
    try {
      String home = Class.forName(MAIN, false, WorkerProcess.class.getClassLoader()).getProtectionDomain()
          .getCodeSource().getLocation().toString();
      return "-Dlogback.configurationFile=" + (home.endsWith(".jar") ? "jar:" + home + "!/logback.xml"
          : home + "logback.xml");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(MAIN + " is not on this JVM's class path: cannot start a worker process", e);
    }
  }

  /** SIGKILL: no shutdown hook, no checkpoint, no lease release. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM, as ECS sends on stop; returns how long the process took to exit, or null if it did not within the bound.
   */
  public Duration terminate(Duration bound) throws InterruptedException {
    long start = System.nanoTime();
    process.destroy();
    if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      return null;
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public int exitValue() {
    return process.exitValue();
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
