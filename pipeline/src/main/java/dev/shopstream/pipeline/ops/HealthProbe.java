package dev.shopstream.pipeline.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container's health check command (the image has no curl): {@code java -cp /app/classes
 * dev.shopstream.pipeline.ops.HealthProbe [live|ready]} asks the worker's own {@code /health/<which>} on
 * 127.0.0.1:{@code SHOP_HTTP_PORT} (default 8080) and exits 0 on 200, 1 otherwise. Uses the JDK only,
 * so it starts without the worker's classpath.
 */
public final class HealthProbe {
  private HealthProbe() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "live";
    if (!which.equals("live") && !which.equals("ready")) {
      System.err.println("usage: HealthProbe [live|ready]");
      System.exit(2);
    }
    String port = System.getenv().getOrDefault("SHOP_HTTP_PORT", "8080");
    System.exit(probe(URI.create("http://127.0.0.1:" + port + "/health/" + which)) ? 0 : 1);
  }

  static boolean probe(URI uri) {
    try {
      HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
          .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding());
      System.out.println(uri.getPath() + " " + response.statusCode());
      return response.statusCode() == 200;
    } catch (IOException e) {
      System.out.println(uri.getPath() + " unreachable: " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
