package dev.shopstream.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** The SNS + SQS emulator (npm {@code fauxqs}, Node 22) on 127.0.0.1. */
public final class FauxqsLocal implements AutoCloseable {
  private final int port;
  private final ChildProcess process;

  private FauxqsLocal(int port, ChildProcess process) {
    this.port = port;
    this.process = process;
  }

  public static FauxqsLocal start(Path logDir) {
    return start(FreePorts.pick(), logDir);
  }

  public static FauxqsLocal start(int port, Path logDir) {
    ChildProcess child = NodeServices.locate().start("fauxqs", "fauxqs-loopback.mjs", port, logDir);
    URI health = URI.create(LocalAws.loopback(port) + "/health");
    child.awaitReady(() -> HttpProbe.ok(health), Duration.ofSeconds(30));
    return new FauxqsLocal(port, child);
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
