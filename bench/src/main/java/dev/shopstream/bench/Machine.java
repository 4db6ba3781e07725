package dev.shopstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** The machine and versions a run was measured on, for the report. */
final class Machine {
  private Machine() {}

  static String describe() {
    return "measured " + Instant.now() + " on " + cpu() + ", " + Runtime.getRuntime().availableProcessors()
        + " cores, " + (Runtime.getRuntime().maxMemory() >> 20) + " MB max heap; Java " + System.getProperty("java.version")
        + " (" + System.getProperty("java.vm.name") + "), " + System.getProperty("os.name") + " "
        + System.getProperty("os.version");
  }

  private static String cpu() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }
}
