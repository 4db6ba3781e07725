package dev.shopstream.local.aws;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One npm emulator from local-aws running on a loopback port, ready once its health URL answers
 * 200. The emulators' public classes extend it.
 */
public abstract class NodeService implements AutoCloseable {
  private final int port;
  private final ChildProcess process;

  NodeService(String name, String script, String healthPath, int port, Path logDir) {
    ChildProcess child = NodeServices.locate().start(name, script, port, logDir);
    URI health = URI.create(LocalAws.loopback(port) + healthPath);
    child.awaitReady(() -> HttpProbe.ok(health), Duration.ofSeconds(30));
    this.port = port;
    this.process = child;
  }

  public URI endpoint() {
    return LocalAws.loopback(port);
  }

  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
  }
}
