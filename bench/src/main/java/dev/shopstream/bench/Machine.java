package dev.shopstream.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** The machine and versions a run was measured on, for the report. */
final class Machine {
  private Machine() {}

  static String describe() {
    return "measured " + Instant.now() + " on " + cpu() + ", " + Runtime.getRuntime().availableProcessors()
        + " cores, " + (Runtime.getRuntime().maxMemory() >> 20) + " MB max heap; Java "
        + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + "\nversions: " + versions();
  }

  /** The versions that matter for the figures, read from the classpath and the local stack's pins. */
  static String versions() {
    StringBuilder out = new StringBuilder();
    for (String jar : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(jar).getFileName().toString();
      for (String artifact : new String[] {"amazon-kinesis-client-", "dynamodb-streams-kinesis-adapter-",
          "dynamodb-2"}) {
        if (name.startsWith(artifact) && name.endsWith(".jar")) {
          out.append(artifact.equals("dynamodb-2") ? "aws-sdk-" + name.substring("dynamodb-".length()) : name)
              .append(", ");
        }
      }
    }
    try {
      Files.readAllLines(Path.of("local-aws", "requirements.txt")).stream().filter(l -> l.startsWith("moto"))
          .findFirst().ifPresent(l -> out.append(l.split(" ")[0]).append(", "));
      Files.readAllLines(Path.of("local-aws", "package.json")).stream()
          .filter(l -> l.contains("\"aws-ses-v2-local\"") || l.contains("\"fauxqs\""))
          .forEach(l -> out.append(l.trim().replace("\"", "").replace(",", "")).append(", "));
    } catch (IOException e) {
      out.append("(local-aws pins unreadable), ");
    }
    return out.toString().replaceAll(", $", "").replace(".jar", "");
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
