package dev.shopstream.pipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.pipeline.fleet.FleetView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet view as status prints it: a table for people, one JSON object for scripts. */
class FleetRenderingTest {
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final FleetView VIEW = new FleetView(NOW, List.of(
      new FleetView.Shard("shardId-00000001-a", FleetView.Stream.OPEN, true, "worker-1", FleetView.Holding.HELD,
          "110000000001745442301312", Duration.ofMillis(1200), Duration.ofMillis(300), FleetView.LagSource.OWN),
      new FleetView.Shard("shardId-00000001-b", FleetView.Stream.OPEN, true, "worker-2", FleetView.Holding.EXPIRED,
          "110000000001745442309999", Duration.ofSeconds(9), Duration.ofSeconds(185), FleetView.LagSource.STREAM),
      new FleetView.Shard("shardId-00000001-c", FleetView.Stream.OPEN, false, null, FleetView.Holding.NONE, null, null,
          null, FleetView.LagSource.UNKNOWN)),
      List.of(new FleetView.Worker("worker-1", 1, NOW.minusMillis(800)), new FleetView.Worker("worker-2", 0,
          NOW.minusSeconds(9))));

  @Test
  void aTableWithEveryShardAndWorker() {
    String table = FleetTable.render(VIEW);
    assertThat(table.lines()).anySatisfy(line -> assertThat(line).startsWith("shardId-00000001-a").contains("worker-1",
        "held", "..745442301312", "1.2s", "0.3s", "own"));
    assertThat(table.lines()).anySatisfy(line -> assertThat(line).startsWith("shardId-00000001-b")
        .contains("worker-2", "expired", "3m05s", "stream"));
    assertThat(table.lines()).anySatisfy(line -> assertThat(line).startsWith("shardId-00000001-c")
        .contains("no lease", "?"));
    assertThat(table.lines()).anySatisfy(line -> assertThat(line).matches("worker-2 +0 +9\\.0s ago"));
    assertThat(table).contains("3 shards, 2 unfinished not held by a live worker; 1 worker holding leases");
  }

  @Test
  void jsonWithFullCheckpointsAndSeconds() {
    JsonNode json = new FleetJson(new ObjectMapper()).render("app", "shop", VIEW);
    assertThat(json.get("shards")).hasSize(3);
    JsonNode expired = json.get("shards").get(1);
    assertThat(expired.get("owner").asText()).isEqualTo("worker-2");
    assertThat(expired.get("holding").asText()).isEqualTo("expired");
    assertThat(expired.get("unowned").asBoolean()).isTrue();
    assertThat(expired.get("checkpoint").asText()).isEqualTo("110000000001745442309999");
    assertThat(expired.get("lagSeconds").asDouble()).isEqualTo(185.0);
    assertThat(expired.get("lagFrom").asText()).isEqualTo("stream");
    assertThat(json.get("shards").get(2).get("lagSeconds").isNull()).isTrue();
    assertThat(json.get("unownedShards").asInt()).isEqualTo(2);
    assertThat(json.get("workers").get(1).get("leases").asInt()).isZero();
  }
}
