package dev.shopstream.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.app.WorkerConfig;
import dev.shopstream.pipeline.fleet.FleetReader;
import dev.shopstream.pipeline.fleet.FleetView;
import dev.shopstream.pipeline.ops.FleetJson;
import dev.shopstream.pipeline.ops.FleetTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shop-stream status}: the fleet view (every shard's owner, lease, checkpoint and lag; the workers)
 * and the dead-letter depth, once, as JSON, or refreshed until Ctrl-C.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description =
    {"Every shard of the stream (open, closed, without a lease): its owner, whether the owner still renews "
        + "the lease, checkpoint, checkpoint age and lag; the workers and their leases; the dead-letter queue depth. "
        + "Reads the lease table twice, one lease duration (SHOP_KCL_FAILOVER_MILLIS) apart, to tell a live owner "
        + "from one that stopped.",
        "Example: shop-stream status --watch    (refreshes every SHOP_FLEET_VIEW_MILLIS; Ctrl-C stops)",
        "Example: shop-stream status --json | jq '.shards[] | select(.unowned)'"})
final class StatusCommand implements Callable<Integer> {
  /** Clears a terminal and puts the cursor home: each frame of --watch replaces the last. */
  private static final String CLEAR = "\033[H\033[2J";

  @ParentCommand
  Main main;

  @Spec
  CommandSpec spec;

  @Option(names = "--application", description = "KCL application name (default: SHOP_APPLICATION_NAME).")
  String application;

  @Option(names = "--json", description = "One JSON object (with --watch: one per line, per refresh).")
  boolean json;

  @Option(names = "--watch", description = "Refresh until Ctrl-C.")
  boolean watch;

  @Option(names = "--every", paramLabel = "SECONDS",
      description = "Seconds between refreshes with --watch (default: SHOP_FLEET_VIEW_MILLIS).")
  Integer every;

  @Override
  public Integer call() throws InterruptedException {
    try (CompositionRoot root = main.root(new SimpleMeterRegistry())) {
      WorkerConfig config = root.config();
      String name = application != null ? application : config.application().name();
      PrintWriter out = spec.commandLine().getOut();
      FleetReader reader = root.fleet(name);
      Duration leaseDuration = config.kcl().failover();
      reader.read(List.of());
      if (!json) {
        spec.commandLine().getErr()
            .printf("reading the lease table of %s again in %.1f s, to see which leases are renewed%n",
            name, leaseDuration.toMillis() / 1000.0);
        spec.commandLine().getErr().flush();
      }
      Thread.sleep(leaseDuration.toMillis() + 100);
      Duration refresh = every != null ? Duration.ofSeconds(Math.max(1, every))
          : config.fleetView().interval();
      boolean terminal = System.console() != null;
      while (true) {
        FleetView view = reader.read(List.of());
        long depth = root.deadLetterRedrive().depth();
        if (json) {
          out.println(new FleetJson(new ObjectMapper()).render(name, config.table(), view)
              .put("deadLetterQueueDepth", depth).toString());
        } else {
          out.print(watch && terminal ? CLEAR : "");
          out.printf("application %s on table %s%s%n%n", name, config.table(),
              watch ? " (every " + refresh.toSeconds() + " s; Ctrl-C to stop)" : "");
          out.print(FleetTable.render(view));
          out.println("dead-letter queue depth: " + depth);
          if (watch && !terminal) {
            out.println();
          }
        }
        out.flush();
        if (!watch) {
          return 0;
        }
        Thread.sleep(refresh.toMillis());
      }
    }
  }
}
