package dev.shopstream.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The worker as an earlier commit built it, to measure against in the same run: the commit's tree is
 * exported ({@code git archive}, no worktree to clean up) under {@code bench/target/baseline/} and built
 * there once (reactor build, nothing installed); later runs reuse the build.
 */
final class BaselineBuild {
  private static final Path HOME = Path.of("bench", "target", "baseline");

  private BaselineBuild() {}

  /** The full commit id {@code ref} names in this repository. */
  static String commit(String ref) throws IOException, InterruptedException {
    return run(Path.of("."), List.of("git", "rev-parse", "--verify", ref + "^{commit}"), Path.of("bench", "target",
        "baseline-rev.log")).trim();
  }

  /**
   * The class path of the worker at {@code commit}: this build's harness classes first (the harness's own
   * driver runs against that commit's worker), then that commit's modules and dependencies.
   */
  static String classPath(String commit) throws IOException, InterruptedException {
    Path dir = HOME.resolve(commit.substring(0, 12)).toAbsolutePath();
    Path classPath = dir.resolve(Path.of("bench", "target", "classpath.txt"));
    if (!Files.exists(classPath)) {
      deleteTree(dir);
      Files.createDirectories(dir);
      Path archive = HOME.resolve(commit.substring(0, 12) + ".tar");
      run(Path.of("."), List.of("git", "archive", "--format=tar", "-o", archive.toString(), commit),
          log(dir, "archive"));
      run(dir, List.of("tar", "-xf", archive.toAbsolutePath().toString()), log(dir, "tar"));
      Files.delete(archive);
      System.err.println("building the baseline " + commit.substring(0, 12) + " in " + dir + " (once)...");
      run(dir, List.of("mvn", "-B", "-o", "-q", "-DskipTests", "package", "-pl", "bench", "-am"), log(dir, "build"));
    }
    String harness = Path.of("bench", "target", "classes").toAbsolutePath().toString();
    return harness + File.pathSeparator + Files.readString(classPath).trim();
  }

  private static Path log(Path dir, String step) {
    return dir.getParent().resolve(dir.getFileName() + "-" + step + ".log");
  }

  private static String run(Path dir, List<String> command, Path log) throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    Process process = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!process.waitFor(20, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed in " + dir + "; its output: " + log);
    }
    return Files.readString(log);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
