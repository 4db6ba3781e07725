package dev.shopstream.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** One npm emulator from docker/local running on a loopback port, ready once its health URL answers 200. */
final class NodeService implements AutoCloseable {
  private final int port;
  private final ChildProcess process;

  private NodeService(int port, ChildProcess process) {
    this.port = port;
    this.process = process;
  }

  static NodeService start(String name, String script, String healthPath, int port, Path logDir) {
    ChildProcess child = NodeServices.locate().start(name, script, port, logDir);
    URI health = URI.create(LocalAws.loopback(port) + healthPath);
    child.awaitReady(() -> HttpProbe.ok(health), Duration.ofSeconds(30));
    return new NodeService(port, child);
  }

  URI endpoint() {
    return LocalAws.loopback(port);
  }

  int port() {
    return port;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
  }
}
