package dev.shopstream.pipeline.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An unpacked image root filesystem run the way a container runtime would, minus namespaces (podman run
 * fails in this sandbox; chroot works as root): /proc mounted, the device nodes a JVM needs, the image's
 * user via {@code chroot --userspec}, its environment only, its working directory. The host's network is
 * shared, so the entrypoint reaches the local stack on 127.0.0.1.
 */
public final class ChrootContainer implements AutoCloseable {
  private final Path rootfs;
  private final String user;
  private final String workingDir;
  private final Map<String, String> env;

  private ChrootContainer(Path rootfs, String user, String workingDir, Map<String, String> env) {
    this.rootfs = rootfs;
    this.user = user;
    this.workingDir = workingDir;
    this.env = env;
  }

  public static ChrootContainer prepare(Path rootfs, String user, String workingDir, Map<String, String> env)
      throws IOException, InterruptedException {
    Path dev = rootfs.resolve("dev");
    Files.createDirectories(dev);
    for (String[] node : new String[][] {{"null", "3"}, {"zero", "5"}, {"random", "8"}, {"urandom", "9"}}) {
      if (!Files.exists(dev.resolve(node[0]))) {
        OciImage.run(List.of("mknod", "-m", "666", dev.resolve(node[0]).toString(), "c", "1", node[1]));
      }
    }
    Files.createDirectories(rootfs.resolve("proc"));
    OciImage.run(List.of("mount", "-t", "proc", "proc", rootfs.resolve("proc").toString()));
    return new ChrootContainer(rootfs, user, workingDir, env);
  }

  /** Starts {@code command} inside (exec form: chroot and env exec it, so its pid gets the signals). */
  public Process start(List<String> command, Path log) throws IOException {
    List<String> full = new ArrayList<>(List.of("chroot", "--userspec=" + user, rootfs.toString(), "/usr/bin/env",
        "--chdir=" + workingDir));
    full.addAll(command);
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    return builder.start();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    unmount(rootfs);
  }

  /** Unmounts the rootfs's /proc if a previous run left it mounted (before deleting the tree). */
  public static void unmount(Path rootfs) throws IOException, InterruptedException {
    Path proc = rootfs.resolve("proc");
    if (Files.isDirectory(proc) && new ProcessBuilder("mountpoint", "-q", proc.toString()).start().waitFor() == 0) {
      OciImage.run(List.of("umount", "--lazy", proc.toString()));
    }
  }
}
