package dev.shopstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one parse of Prometheus text the tests, benchmarks and demo read metrics through. */
class MetricsSnapshotTest {
  private static final String TEXT = """
      # HELP shop_handler_results_total Handler calls by result
      # TYPE shop_handler_results_total counter
      shop_handler_results_total{handler="email",result="done",} 3.0
      shop_handler_results_total{handler="email",result="failed"} 1.0
      shop_handler_results_total{handler="waitlist",result="done"} 2.0
      # TYPE shop_events_total counter
      shop_events_total{type="order-placed"} 7.0 1700000000000
      shop_events_total { type = "order-cancelled" } 2
      # HELP weird_info a help text with "quotes", {braces} and a value 9.0
      weird_info{path="a,b=\\"c\\"}",note="back\\\\slash\\nnext"} 1.0
      shop_checkpoint_age_seconds{shard="shardId-1"} NaN
      shop_write_to_effect_seconds_bucket{handler="email",le="0.5"} 4.0
      shop_write_to_effect_seconds_bucket{handler="email",le="+Inf"} 5.0
      shop_write_to_effect_seconds_count{handler="email"} 5.0
      shop_fleet_view_age_seconds 1.5e-1
      shop_lag_seconds{shard="s"} +Inf
      shop_lead_seconds{shard="s"} -Inf
      # EOF
      """;

  private final MetricsSnapshot metrics = MetricsSnapshot.parse(TEXT);

  @Test
  void skipsHelpTypeAndCommentLinesAndReadsEverySample() {
    assertThat(metrics.samples()).hasSize(13);
    assertThat(metrics.names()).containsExactly("shop_checkpoint_age_seconds", "shop_events_total",
        "shop_fleet_view_age_seconds", "shop_handler_results_total", "shop_lag_seconds", "shop_lead_seconds",
        "shop_write_to_effect_seconds_bucket", "shop_write_to_effect_seconds_count", "weird_info");
  }

  @Test
  void labelValuesKeepCommasBracesAndEscapedQuotesBackslashesAndNewlines() {
    MetricsSnapshot.Sample weird = metrics.samples("weird_info").get(0);
    assertThat(weird.labels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "path", "a,b=\"c\"}", "note", "back\\slash\nnext"));
    assertThat(weird.value()).isEqualTo(1.0);
    assertThat(metrics.has("weird_info", "path", "a,b=\"c\"}")).isTrue();
    assertThat(metrics.has("weird_info", "path", "a")).isFalse();
  }

  @Test
  void readsNanInfinitiesExponentsAndIgnoresTimestampsAndSpacesInLabels() {
    assertThat(metrics.value("shop_checkpoint_age_seconds", "shard", "shardId-1")).hasValueSatisfying(
        v -> assertThat(v).isNaN());
    assertThat(metrics.value("shop_write_to_effect_seconds_bucket", "le", "+Inf")).contains(5.0);
    assertThat(metrics.value("shop_lag_seconds")).contains(Double.POSITIVE_INFINITY);
    assertThat(metrics.value("shop_lead_seconds")).contains(Double.NEGATIVE_INFINITY);
    assertThat(metrics.value("shop_fleet_view_age_seconds")).contains(0.15);
    assertThat(metrics.value("shop_events_total", "type", "order-placed")).contains(7.0);
    assertThat(metrics.value("shop_events_total", "type", "order-cancelled")).contains(2.0);
  }

  @Test
  void sumsAndCountsOverALabelFilterAndGroupsByLabels() {
    assertThat(metrics.counter("shop_handler_results_total")).isEqualTo(6);
    assertThat(metrics.counter("shop_handler_results_total", "handler", "email")).isEqualTo(4);
    assertThat(metrics.counter("shop_handler_results_total", "result", "done")).isEqualTo(5);
    assertThat(metrics.counter("shop_handler_results_total", "handler", "email", "result", "done")).isEqualTo(3);
    assertThat(metrics.counter("shop_handler_results_total", "handler", "analytics")).isZero();
    assertThat(metrics.counter("shop_events")).as("the name is exact: no prefix match").isZero();
    assertThat(metrics.sumBy("shop_handler_results_total", "handler", "result"))
        .containsExactly(entry("email/done", 3.0), entry("email/failed", 1.0), entry("waitlist/done", 2.0));
    assertThat(metrics.sumBy("shop_handler_results_total", "handler")).isEqualTo(Map.of("email", 4.0,
        "waitlist", 2.0));
  }

  @Test
  void aValueOfSeveralSeriesOrAnOddFilterOrABrokenLineIsRefused() {
    assertThatThrownBy(() -> metrics.value("shop_handler_results_total", "handler", "email"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("2 series");
    assertThatThrownBy(() -> metrics.counter("shop_events_total", "type"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MetricsSnapshot.parse("ok 1\nbroken{a=\"x\" 1\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    assertThatThrownBy(() -> MetricsSnapshot.parse("no_value{a=\"x\"}\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scrapesAMetricsEndpointAndRefusesAnAnswerOtherThan200() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", exchange -> {
      byte[] body = TEXT.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.createContext("/down", exchange -> {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    server.start();
    try {
      int port = server.getAddress().getPort();
      assertThat(MetricsSnapshot.scrape(port).counter("shop_events_total")).isEqualTo(9);
      assertThatThrownBy(() -> MetricsSnapshot.scrape(URI.create("http://127.0.0.1:" + port + "/down")))
          .isInstanceOf(IOException.class).hasMessageContaining("503");
    } finally {
      server.stop(0);
    }
  }
}
