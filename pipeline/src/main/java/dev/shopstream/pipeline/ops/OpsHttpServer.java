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
      server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
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
