package dev.shopstream.pipeline.image;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HostConfig;
import dev.shopstream.local.aws.FreePorts;
import dev.shopstream.testkit.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.containers.GenericContainer;

/**
 * One worker container of several sharing a lease table, known by the worker id it logs at start. The template
 * sets no SHOP_WORKER_ID, so each worker takes its default (host name plus a random suffix): on the host's
 * network the three containers share the host name and differ by the suffix, as ECS tasks differ.
 */
final class FleetWorker implements AutoCloseable {
  private static final Pattern STARTING = Pattern.compile("worker (\\S+) starting on table");

  private final GenericContainer<?> container;
  private final Path log;
  private String workerId;

  private FleetWorker(GenericContainer<?> container, Path log) {
    this.container = container;
    this.log = log;
  }

  /** A container of the image with {@code env} and an ops port of its own (host networking), not started. */
  static FleetWorker create(TaskDefinition task, Map<String, String> env, String name) throws IOException {
    Map<String, String> own = new HashMap<>(env);
    own.put("SHOP_HTTP_PORT", Integer.toString(FreePorts.pick()));
    Path log = WorkerContainers.WORK.resolve(name + ".log");
    return new FleetWorker(WorkerContainers.create(task, own, log), log);
  }

  void start() {
    container.start();
  }

  /** The worker id, once its start line is in the container's log. */
  String awaitWorkerId(Duration timeout) throws InterruptedException {
    Await.polling().until("worker id in " + log, timeout, () -> {
      Matcher starting = STARTING.matcher(logText());
      if (starting.find()) {
        workerId = starting.group(1);
      }
      return workerId != null;
    }, () -> "log:\n" + logText());
    return workerId;
  }

  String workerId() {
    return workerId;
  }

  Path log() {
    return log;
  }

  /** {@code docker kill} (SIGKILL: no shutdown hook, no checkpoint, no lease given back); its state after. */
  InspectContainerResponse.ContainerState kill() throws InterruptedException {
    var docker = container.getDockerClient();
    docker.killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
    Await.polling().until(log + " stopped after docker kill", Duration.ofSeconds(10),
        () -> !Boolean.TRUE.equals(state().getRunning()), () -> state());
    return state();
  }

  /** The engine's view of the container's host settings (memory limit, read-only root, ...). */
  HostConfig hostConfig() {
    return container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec().getHostConfig();
  }

  private InspectContainerResponse.ContainerState state() {
    return container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec().getState();
  }

  String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes the container, killed first if it still runs (a graceful stop is not what is tested here, and slow). */
  @Override
  public void close() {
    if (container.getContainerId() != null && Boolean.TRUE.equals(state().getRunning())) {
      container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
    }
    container.close();
  }
}
