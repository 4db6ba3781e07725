package dev.shopstream.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** Passes a request a loopback stand-in received on to the service behind it, as it came. */
public final class HttpRelay {
  /** Headers of one connection, not of the request: never passed on. */
  public static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect", "upgrade",
      "transfer-encoding", "keep-alive");

  private HttpRelay() {}

  /** Sends {@code exchange}'s method, path, query, headers and {@code body} to {@code target}. */
  public static HttpResponse<byte[]> send(HttpClient http, URI target, HttpExchange exchange, byte[] body,
      Duration timeout) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
        .timeout(timeout)
        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(value -> request.header(name, value));
      }
    });
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
