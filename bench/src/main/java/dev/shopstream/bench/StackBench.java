package dev.shopstream.bench;

import java.util.Set;

/** (b)-(e), (g): the worker on the local stack. */
final class StackBench {
  private StackBench() {}

  static void run(Report report, Set<String> parts, int records, int heapMinutes) {
    report.section("(b)-(e), (g): local-stack parts not built yet");
  }
}
