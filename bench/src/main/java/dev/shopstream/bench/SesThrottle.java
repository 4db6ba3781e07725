package dev.shopstream.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shopstream.testkit.HttpRelay;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SES as a new account sees it: a loopback stand-in in front of the SES emulator that answers
 * SendEmail with 429 TooManyRequestsException above {@code maxPerSecond} (counted per wall-clock second),
 * and relays everything else (GetAccount, the accepted sends) as it came.
 */
final class SesThrottle implements AutoCloseable {
  private static final byte[] THROTTLED = "{\"message\":\"Maximum sending rate exceeded.\"}"
      .getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final URI target;
  private final int maxPerSecond;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicLong sends = new AtomicLong();
  private final AtomicLong throttled = new AtomicLong();
  private long second = -1;
  private int inSecond;

  private SesThrottle(HttpServer server, URI target, int maxPerSecond) {
    this.server = server;
    this.target = target;
    this.maxPerSecond = maxPerSecond;
  }

  static SesThrottle start(URI ses, int maxPerSecond) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    SesThrottle throttle = new SesThrottle(server, ses, maxPerSecond);
    server.createContext("/", throttle::handle);
    server.setExecutor(Executors.newFixedThreadPool(32));
    server.start();
    return throttle;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** SendEmail calls received, throttled ones included. */
  long sends() {
    return sends.get();
  }

  long throttled() {
    return throttled.get();
  }

  private synchronized boolean admit() {
    long now = System.currentTimeMillis() / 1000;
    if (now != second) {
      second = now;
      inSecond = 0;
    }
    return ++inSecond <= maxPerSecond;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (exchange.getRequestURI().getPath().endsWith("/outbound-emails")) {
        sends.incrementAndGet();
        if (!admit()) {
          throttled.incrementAndGet();
          exchange.getResponseHeaders().add("x-amzn-ErrorType", "TooManyRequestsException");
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(429, THROTTLED.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(THROTTLED);
          }
          return;
        }
      }
      HttpResponse<byte[]> answer = HttpRelay.send(http, target, exchange, body, Duration.ofSeconds(30));
      answer.headers().map().forEach((name, values) -> {
        if (!HttpRelay.HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
          exchange.getResponseHeaders().put(name, List.copyOf(values));
        }
      });
      exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
      if (answer.body().length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer.body());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
