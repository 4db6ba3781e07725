package dev.shopstream.pipeline.testing;

import dev.shopstream.handlers.EventHandler;
import dev.shopstream.local.LocalShopStack;
import dev.shopstream.local.ShopTableSetup;
import dev.shopstream.pipeline.app.AwsClients;
import dev.shopstream.pipeline.app.DeadLetterWiring;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.pipeline.app.ShopStreamWorker;
import dev.shopstream.pipeline.config.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/** In-process workers on a {@link LocalShopStack}, tuned to start fast. */
public final class LocalWorkers {
  private LocalWorkers() {}

  /** A local stack with the shop and idempotency tables created. */
  public static LocalShopStack stack() {
    LocalShopStack stack = LocalShopStack.start(Path.of("target", "local-services"));
    ShopTableSetup.createIfMissing(stack.dynamo, LocalShopStack.TABLE);
    ShopTableSetup.createIdempotencyTableIfMissing(stack.dynamo, LocalShopStack.IDEMPOTENCY_TABLE);
    return stack;
  }

  /** A started worker with the handlers {@code env} enables, {@code extra} among the known ones. */
  public static ShopStreamWorker start(Map<String, String> env, EventHandler extra) {
    return start(env, extra, new SimpleMeterRegistry());
  }

  /** As {@link #start(Map, EventHandler)}, counting into {@code registry}. */
  public static ShopStreamWorker start(Map<String, String> env, EventHandler extra, MeterRegistry registry) {
    WorkerConfig config = WorkerConfig.load(env, knownWith(extra), "test-worker-" + System.nanoTime());
    AwsClients clients = AwsClients.create(config, env);
    HandlerCatalogue catalogue = HandlerCatalogue.standard(config, clients, Clock.systemUTC()).with(extra.name(), () -> extra);
    ShopStreamWorker worker = ShopStreamWorker.create(config, clients, catalogue,
        DeadLetterWiring.queue(config, clients, registry), registry, Clock.systemUTC());
    worker.start();
    return worker;
  }

  /** The worker's clients for the stack (what the CLI commands use), handlers limited to logging. */
  public static AwsClients clients(LocalShopStack stack) {
    Map<String, String> env = stack.workerEnvironment("streams-probe");
    env.put("SHOP_HANDLERS", "logging");
    return AwsClients.create(WorkerConfig.load(env, HandlerCatalogue.KNOWN, "probe"), env);
  }

  private static Set<String> knownWith(EventHandler extra) {
    return HandlerCatalogue.knownWith(extra.name());
  }
}
