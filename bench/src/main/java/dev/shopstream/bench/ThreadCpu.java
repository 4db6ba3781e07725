package dev.shopstream.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU of this JVM's threads as Linux counts it ({@code /proc/self/task/TID/stat}), the JVM's own
 * threads included: what the JIT compilers, the garbage collector and JFR cost beside the Java threads.
 * Between two snapshots, the CPU of threads that ended in between is only in the process total: it is
 * charged to the Java threads (the JVM's own threads live as long as the JVM, compiler threads too
 * when {@code -XX:-UseDynamicNumberOfCompilerThreads}).
 */
final class ThreadCpu {
  /** Linux's USER_HZ: the unit of utime and stime. */
  private static final long NANOS_PER_TICK = 10_000_000L;
  static final String JIT = "jit";
  static final String GC = "gc";
  static final String JFR = "jfr";
  static final String JAVA = "java";

  private final Map<String, Long> ticksByThread;

  private ThreadCpu(Map<String, Long> ticksByThread) {
    this.ticksByThread = ticksByThread;
  }

  static ThreadCpu snapshot() {
    Map<String, Long> ticks = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String name = stat.substring(open + 1, close);
          String[] fields = stat.substring(close + 2).split(" ");
          // after the name: state(0) ... utime(11) stime(12)
          ticks.put(task.getFileName() + " " + name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      }
    } catch (IOException e) {
      // not Linux: no split, only the process total
    }
    return new ThreadCpu(ticks);
  }

  /**
   * CPU nanoseconds from {@code start} to this snapshot by kind (JIT, GC, JFR); the process total
   * {@code processNanos} less those is the Java threads'.
   */
  Map<String, Long> since(ThreadCpu start, long processNanos) {
    Map<String, Long> byKind = new LinkedHashMap<>();
    byKind.put(JIT, 0L);
    byKind.put(GC, 0L);
    byKind.put(JFR, 0L);
    ticksByThread.forEach((thread, ticks) -> {
      String kind = kind(thread.substring(thread.indexOf(' ') + 1));
      if (kind != null) {
        byKind.merge(kind, (ticks - start.ticksByThread.getOrDefault(thread, 0L)) * NANOS_PER_TICK, Long::sum);
      }
    });
    byKind.put(JAVA, processNanos - byKind.values().stream().mapToLong(Long::longValue).sum());
    return byKind;
  }

  /**
   * CPU nanoseconds from {@code start} to this snapshot by thread name, numbers blanked (a pool's threads
   * together); threads that ended in between are missing.
   */
  Map<String, Long> byThreadGroup(ThreadCpu start) {
    Map<String, Long> byGroup = new HashMap<>();
    ticksByThread.forEach((thread, ticks) -> byGroup.merge(thread.substring(thread.indexOf(' ') + 1)
        .replaceAll("[0-9]+", "N"), (ticks - start.ticksByThread.getOrDefault(thread, 0L)) * NANOS_PER_TICK,
        Long::sum));
    return byGroup;
  }

  /** The JVM's own threads by their native names (15 characters at most); null for a Java thread. */
  private static String kind(String name) {
    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
      return JIT;
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
      return GC;
    }
    if (name.startsWith("JFR ")) {
      return JFR;
    }
    return null;
  }
}
