package dev.shopstream.pipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.testkit.MetricsSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OpsHttpServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthFollowsTheWorkerAndMetricsArePrometheusText() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("shop.events").tag("type", "order-placed").register(registry).increment(3);
    try (OpsHttpServer server = OpsHttpServer.start("127.0.0.1", 0, () -> true, ready::get, registry)) {
      assertThat(get(server.port(), "/health/live").statusCode()).isEqualTo(200);
      assertThat(get(server.port(), "/health/ready").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(server.port(), "/health/ready").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(server.port(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(MetricsSnapshot.parse(metrics.body()).value("shop_events_total", "type", "order-placed"))
          .contains(3.0);
    }
  }

  @Test
  void slowClientsNeitherStarveTheLivenessProbeNorHoldAThreadForEver() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (OpsHttpServer server = OpsHttpServer.start("127.0.0.1", 0, () -> true, () -> true, registry)) {
      List<Socket> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) { // twice the two threads the server used to have
          Socket socket = new Socket("127.0.0.1", server.port());
          socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          stalled.add(socket);
        }
        HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
            + "/health/live")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);

        Socket first = stalled.get(0);
        first.setSoTimeout((int) Duration.ofSeconds(OpsHttpServer.REQUEST_TIMEOUT_SECONDS * 3L).toMillis());
        assertThat(first.getInputStream().read()).as("the server closes a request never completed").isEqualTo(-1);
      } finally {
        for (Socket socket : stalled) {
          socket.close();
        }
      }
    }
  }
}
