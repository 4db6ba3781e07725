package dev.shopstream.pipeline.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shopstream.pipeline.fleet.FleetView;
import java.time.Duration;
import java.util.Locale;

/**
 * The fleet view as one JSON object for scripts ({@code status --json}): durations in seconds (null when
 * unknown), states in lower case, full checkpoints.
 */
public final class FleetJson {
  private final ObjectMapper json;

  public FleetJson(ObjectMapper json) {
    this.json = json;
  }

  public ObjectNode render(String application, String table, FleetView view) {
    ObjectNode root = json.createObjectNode();
    root.put("application", application).put("table", table).put("readAt", view.readAt().toString());
    ArrayNode shards = root.putArray("shards");
    for (FleetView.Shard shard : view.shards()) {
      ObjectNode node = shards.addObject();
      node.put("shardId", shard.shardId()).put("stream", lower(shard.stream())).put("leased", shard.leased())
          .put("owner", shard.owner()).put("holding", lower(shard.holding())).put("checkpoint", shard.checkpoint())
          .put("finished", shard.finished()).put("unowned", shard.unowned());
      seconds(node, "checkpointAgeSeconds", shard.checkpointAge());
      seconds(node, "lagSeconds", shard.lag());
      node.put("lagFrom", lower(shard.lagSource()));
    }
    ArrayNode workers = root.putArray("workers");
    for (FleetView.Worker worker : view.workers()) {
      ObjectNode node = workers.addObject().put("workerId", worker.workerId()).put("leases", worker.leases());
      node.put("lastRenewalSeen", worker.lastRenewal() == null ? null : worker.lastRenewal().toString());
    }
    root.put("unownedShards", view.unowned()).put("liveWorkers", view.liveWorkers());
    return root;
  }

  private static void seconds(ObjectNode node, String field, Duration duration) {
    if (duration == null) {
      node.putNull(field);
    } else {
      node.put(field, duration.toMillis() / 1000.0);
    }
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
