package dev.shopstream.pipeline.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.testkit.MetricsSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet view as one source showed it at one time: per shard its owner (and whether that owner still
 * renews) and its lag. Read from a worker's /metrics ({@code shop_fleet_*}), from a frame of {@code status
 * --json}, or from a frame of the {@code status} table.
 *
 * @param source where it was seen (a worker id, "status --json", ...)
 * @param readAt when the lease table behind it was read
 */
public record FleetScrape(String source, Instant readAt, Map<String, Owner> owners, Map<String, Double> lags) {
  /** {@code worker} is "none" when the shard has no owner; {@code held}: the owner renews the lease. */
  public record Owner(String worker, boolean held) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TABLE_ROW =
      Pattern.compile("(?m)^(shardId\\S*) +(\\S+) +(\\S+) +(held|expired|none|no lease) ");
  private static final Pattern TABLE_READ = Pattern.compile("(?m); read (\\S+)$");

  /** Scrapes the worker listening on {@code port}; null when it does not answer or has no view yet. */
  public static FleetScrape metrics(String worker, int port) {
    try {
      Instant scrapedAt = Instant.now();
      return fromMetrics(worker, scrapedAt, MetricsSnapshot.scrape(port));
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The fleet view in a worker's metrics ({@code shop_fleet_*}); null when it has none yet. */
  static FleetScrape fromMetrics(String worker, Instant scrapedAt, MetricsSnapshot metrics) {
    Optional<Double> viewAge = metrics.value("shop_fleet_view_age_seconds");
    if (viewAge.isEmpty() || viewAge.get().isNaN()) {
      return null;
    }
    Map<String, Owner> owners = new TreeMap<>();
    metrics.samples("shop_fleet_shard_owner").forEach(s -> owners.put(s.label("shard"),
        new Owner(s.label("worker"), s.value() == 1.0)));
    Map<String, Double> lags = new TreeMap<>();
    metrics.samples("shop_fleet_shard_lag_seconds").forEach(s -> lags.put(s.label("shard"), s.value()));
    return new FleetScrape(worker, scrapedAt.minusMillis(Math.round(viewAge.get() * 1000)), owners, lags);
  }

  /** Every frame of {@code status --watch --json} (one JSON object per line). */
  public static List<FleetScrape> statusJson(String output) {
    List<FleetScrape> frames = new ArrayList<>();
    for (String line : output.lines().filter(l -> l.startsWith("{") && l.endsWith("}")).toList()) {
      try {
        JsonNode frame = JSON.readTree(line);
        Map<String, Owner> owners = new TreeMap<>();
        Map<String, Double> lags = new TreeMap<>();
        for (JsonNode shard : frame.get("shards")) {
          String id = shard.get("shardId").asText();
          owners.put(id, new Owner(shard.get("owner").isNull() ? "none" : shard.get("owner").asText(),
              shard.get("holding").asText().equals("held")));
          if (!shard.get("lagSeconds").isNull()) {
            lags.put(id, shard.get("lagSeconds").asDouble());
          }
        }
        frames.add(new FleetScrape("status --json", Instant.parse(frame.get("readAt").asText()), owners, lags));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return frames;
  }

  /** Every complete frame of the {@code status} table ({@code --watch} prints one per refresh); lag not parsed. */
  public static List<FleetScrape> statusTable(String output) {
    List<FleetScrape> frames = new ArrayList<>();
    for (String frame : output.split("(?m)^dead-letter queue depth: \\d+$")) {
      Matcher read = TABLE_READ.matcher(frame);
      if (!read.find()) {
        continue; // the frame still being written
      }
      Map<String, Owner> owners = new TreeMap<>();
      Matcher row = TABLE_ROW.matcher(frame);
      while (row.find()) {
        owners.put(row.group(1), new Owner(row.group(3).equals("-") ? "none" : row.group(3),
            row.group(4).equals("held")));
      }
      frames.add(new FleetScrape("status --watch", Instant.parse(read.group(1)), owners, Map.of()));
    }
    return frames;
  }
}
