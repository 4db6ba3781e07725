package dev.shopstream.local.aws;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Python side of {@code local-aws}: moto in the project-local virtualenv {@code local-aws/.venv},
 * created on first use by {@code local-aws/ensure_venv.py} (pip {@code --require-hashes} from the committed
 * requirements.txt), as {@link NodeServices} runs {@code npm ci}. The folder is found by walking up
 * from the working directory (or {@code -Dshop.local.dir}); the interpreter that builds the venv is
 * {@code python3} (or {@code $LOCAL_AWS_PYTHON}) and must be 3.10+.
 */
public final class PythonServices {
  private static final Object INSTALL_LOCK = new Object();

  private final Path dir;

  private PythonServices(Path dir) {
    this.dir = dir;
  }

  public static PythonServices locate() {
    return new PythonServices(NodeServices.locate().dir());
  }

  public Path dir() {
    return dir;
  }

  /** The venv's python, after creating or refreshing the venv when requirements.txt changed. */
  public Path python() {
    Path log = dir.resolve("venv.log");
    synchronized (INSTALL_LOCK) {
      String interpreter = System.getenv().getOrDefault("LOCAL_AWS_PYTHON", "python3");
      try {
        Process venv = new ProcessBuilder(interpreter, "ensure_venv.py").directory(dir.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!venv.waitFor(10, TimeUnit.MINUTES) || venv.exitValue() != 0) {
          venv.destroyForcibly();
          throw new IllegalStateException("could not install moto into " + dir.resolve(".venv") + ": " + interpreter
              + " ensure_venv.py failed; it needs Python 3.10+ with the venv module and the PyPI registry. Its "
              + "output:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        Path python = Path.of(lines.get(lines.size() - 1).trim());
        if (!Files.isExecutable(python)) {
          throw new IllegalStateException("ensure_venv.py in " + dir + " did not provide a python: " + python);
        }
        return python;
      } catch (IOException e) {
        throw new IllegalStateException("could not run " + interpreter
            + " (is Python 3.10+ installed? set LOCAL_AWS_PYTHON to another interpreter) to install moto in " + dir, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while installing moto", e);
      }
    }
  }

  /** Starts {@code script} (a file in local-aws) with arguments, exiting when this JVM goes. */
  ChildProcess start(String name, String script, List<String> arguments, Path logDir) {
    List<String> command = new ArrayList<>(List.of(python().toString(), "-u", script));
    command.addAll(arguments);
    command.add("--exit-with-stdin");
    return ChildProcess.start(name, command, dir, logDir.resolve(name.replace(':', '-') + ".log"), Map.of());
  }
}
