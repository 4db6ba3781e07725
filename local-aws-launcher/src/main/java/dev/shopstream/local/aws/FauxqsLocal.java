package dev.shopstream.local.aws;

import java.nio.file.Path;

/** The SNS + SQS emulator (npm {@code fauxqs}, Node 22) on 127.0.0.1. */
public final class FauxqsLocal extends NodeService {

  private FauxqsLocal(int port, Path logDir) {
    super("fauxqs", "fauxqs-loopback.mjs", "/health", port, logDir);
  }

  public static FauxqsLocal start(Path logDir) {
    return start(FreePorts.pick(), logDir);
  }

  public static FauxqsLocal start(int port, Path logDir) {
    return new FauxqsLocal(port, logDir);
  }
}
