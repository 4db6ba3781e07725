package dev.shopstream.pipeline.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The worker's HTTP side for ECS and Prometheus: {@code GET /health/live} (200 while the worker is
 * running), {@code GET /health/ready} (200 once KCL has started: leases held or standing by), and
 * {@code GET /metrics} (Prometheus text format).
 */
public final class OpsHttpServer implements AutoCloseable {
  /** Requests served at once: slow scrapers cannot starve the liveness probe. */
  static final int THREADS = 8;
  /** A client that has not sent its request, or not read its response, within this many seconds is cut off. */
  static final int REQUEST_TIMEOUT_SECONDS = 5;

  static {
    // The JDK server reads these once (JVM-wide); they bound how long a slow client holds a thread.
    System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime",
        Integer.toString(REQUEST_TIMEOUT_SECONDS)));
    System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime",
        Integer.toString(REQUEST_TIMEOUT_SECONDS)));
  }

  private final HttpServer server;

  private OpsHttpServer(HttpServer server) {
    this.server = server;
  }

  public static OpsHttpServer start(String host, int port, BooleanSupplier live, BooleanSupplier ready,
      PrometheusMeterRegistry registry) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
      server.createContext("/health/live", exchange -> status(exchange, live.getAsBoolean(), "live"));
      server.createContext("/health/ready", exchange -> status(exchange, ready.getAsBoolean(), "ready"));
      server.createContext("/metrics", exchange ->
          respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
      server.setExecutor(Executors.newFixedThreadPool(THREADS, runnable -> {
        Thread thread = new Thread(runnable, "ops-http");
        thread.setDaemon(true);
        return thread;
      }));
      server.start();
      return new OpsHttpServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port + " (SHOP_HTTP_HOST/SHOP_HTTP_PORT)", e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void status(HttpExchange exchange, boolean ok, String what) throws IOException {
    respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? what + "\n" : "not " + what + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod())) {
      exchange.sendResponseHeaders(405, -1);
      exchange.close();
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
