package dev.shopstream.pipeline.app;

import dev.shopstream.pipeline.config.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code shop-stream status}: shards, owners, checkpoints, lag and the dead-letter depth. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Shards, lease owners, checkpoints and lag of an application, and the dead-letter queue depth.",
        "Example: shop-stream status --application shop-stream-worker"})
final class StatusCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--application", description = "KCL application name (default: SHOP_APPLICATION_NAME).")
  String application;

  @Override
  public Integer call() {
    try (CompositionRoot root = main.root(new SimpleMeterRegistry())) {
      WorkerConfig config = root.config();
      String name = application != null ? application : config.applicationName();
      System.out.println("application " + name + " on table " + config.table());
      for (var shard : root.status().shards(name, root.clients().streamArn(config.table()))) {
        System.out.printf("  %s  owner %s  checkpoint %s  lag %s%n", shard.shardId(), shard.owner(), shard.checkpoint(),
            shard.lag() == null ? "unknown" : shard.lag().toSeconds() + "s");
      }
      System.out.println("dead-letter queue depth: " + root.deadLetterRedrive().depth());
      return 0;
    }
  }
}
