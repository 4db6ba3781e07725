package dev.shopstream.local;

import java.net.URI;
import java.nio.file.Path;

/** The SNS + SQS emulator (npm {@code fauxqs}, Node 22) on 127.0.0.1. */
public final class FauxqsLocal implements AutoCloseable {
  private final NodeService service;

  private FauxqsLocal(NodeService service) {
    this.service = service;
  }

  public static FauxqsLocal start(Path logDir) {
    return start(FreePorts.pick(), logDir);
  }

  public static FauxqsLocal start(int port, Path logDir) {
    return new FauxqsLocal(NodeService.start("fauxqs", "fauxqs-loopback.mjs", "/health", port, logDir));
  }

  public URI endpoint() {
    return service.endpoint();
  }

  public int port() {
    return service.port();
  }

  public boolean isAlive() {
    return service.isAlive();
  }

  @Override
  public void close() {
    service.close();
  }
}
