package dev.shopstream.local.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The npm-installed emulators under {@code local-aws}: found by walking up from the working
 * directory (or {@code -Dshop.local.dir}), installed with {@code npm ci} from the committed lock
 * file when missing, run on the Node 22 that the {@code node} npm package provides.
 */
public final class NodeServices {
  private static final Object INSTALL_LOCK = new Object();

  private final Path dir;

  private NodeServices(Path dir) {
    this.dir = dir;
  }

  public static NodeServices locate() {
    String configured = System.getProperty("shop.local.dir");
    if (configured != null) {
      return new NodeServices(Path.of(configured).toAbsolutePath());
    }
    for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
      Path candidate = at.resolve("local-aws");
      if (Files.isRegularFile(candidate.resolve("package-lock.json"))) {
        return new NodeServices(candidate);
      }
    }
    throw new IllegalStateException("local-aws/package-lock.json not found above " + Path.of("").toAbsolutePath()
        + ": run from inside the project, or pass -Dshop.local.dir=<project>/local-aws");
  }

  public Path dir() {
    return dir;
  }

  /** The Node 22 binary, after installing the packages if they are not there yet. */
  public Path node() {
    Path node = dir.resolve("node_modules").resolve(".bin").resolve("node");
    synchronized (INSTALL_LOCK) {
      if (!Files.isExecutable(node)) {
        npmCi();
      }
    }
    if (!Files.isExecutable(node)) {
      throw new IllegalStateException("npm ci in " + dir + " did not provide " + node);
    }
    return node;
  }

  /** Starts {@code script} (a file in local-aws) with a port, exiting when this JVM goes. */
  ChildProcess start(String name, String script, int port, Path logDir) {
    return ChildProcess.start(name + ":" + port,
        List.of(node().toString(), "--no-warnings", script, Integer.toString(port), "--exit-with-stdin"), dir,
        logDir.resolve(name + "-" + port + ".log"), Map.of());
  }

  private void npmCi() {
    try {
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile())
          .redirectErrorStream(true).redirectOutput(dir.resolve("npm-ci.log").toFile()).start();
      if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
        throw new IllegalStateException("npm ci failed in " + dir + "; see " + dir.resolve("npm-ci.log")
            + " (needs Node.js/npm and the npm registry)");
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not run npm (is Node.js installed?) to install the local emulators "
          + "in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing the local emulators", e);
    }
  }
}
