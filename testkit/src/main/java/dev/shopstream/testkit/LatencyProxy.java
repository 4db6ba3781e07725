package dev.shopstream.testkit;

import dev.shopstream.local.aws.LocalAws;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP proxy that holds each request a fixed time before passing it on, as a real AWS
 * round trip would: benchmarks put it in front of a local emulator to see the worker under realistic
 * latency. A request is the first bytes a client sends after the previous response (keep-alive
 * connections carry many). Test tooling only.
 */
public final class LatencyProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LatencyProxy.class);

  private final ServerSocket server;
  private final int targetPort;
  private final Duration delay;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private LatencyProxy(ServerSocket server, int targetPort, Duration delay) {
    this.server = server;
    this.targetPort = targetPort;
    this.delay = delay;
  }

  /** Listens on a free loopback port and forwards to {@code target}'s port on 127.0.0.1. */
  public static LatencyProxy start(URI target, Duration delay) {
    try {
      ServerSocket server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
      LatencyProxy proxy = new LatencyProxy(server, target.getPort(), delay);
      Thread acceptor = new Thread(proxy::acceptLoop, "latency-proxy-" + server.getLocalPort());
      acceptor.setDaemon(true);
      acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new IllegalStateException("could not open a loopback port for the latency proxy", e);
    }
  }

  public URI endpoint() {
    return LocalAws.loopback(server.getLocalPort());
  }

  private void acceptLoop() {
    while (open.get()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        AtomicBoolean answered = new AtomicBoolean(true);
        pump(client, upstream, answered, true);
        pump(upstream, client, answered, false);
      } catch (IOException e) {
        if (open.get()) {
          LOG.debug("latency proxy connection failed: {}", e.toString());
        }
      }
    }
  }

  /**
   * Copies {@code from} to {@code to}. Client to server, the first chunk after a response waits
   * the delay; server to client, every chunk marks the request as answered.
   */
  private void pump(Socket from, Socket to, AtomicBoolean answered, boolean request) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int read; (read = in.read(buffer)) != -1; ) {
          if (request && answered.getAndSet(false)) {
            Thread.sleep(delay.toMillis());
          } else if (!request) {
            answered.set(true);
          }
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException e) {
        // the other side closed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "latency-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    open.set(false);
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
