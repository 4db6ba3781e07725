package dev.shopstream.pipeline.testing;

import dev.shopstream.handlers.EventHandler;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.local.aws.ShopTableSetup;
import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** In-process workers on a {@link LocalShopStack}, built by the composition root, tuned to start fast. */
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
    ShopStreamWorker worker = root(env, extra, registry).worker();
    worker.start();
    return worker;
  }

  /** The composition root for {@code env}, with {@code extra} among the known handlers. */
  public static CompositionRoot root(Map<String, String> env, EventHandler extra, MeterRegistry registry) {
    HandlerCatalogue catalogue = HandlerCatalogue.standard().with(extra.name(), () -> extra);
    Map<String, String> withId = new HashMap<>(env);
    withId.putIfAbsent("SHOP_WORKER_ID", "test-worker-" + System.nanoTime());
    return CompositionRoot.create(CompositionRoot.configuration(withId, catalogue), catalogue, Clock.systemUTC(),
        registry);
  }

  /** The product's composition root for {@code env} (standard handlers). */
  public static CompositionRoot root(Map<String, String> env) {
    return CompositionRoot.create(CompositionRoot.configuration(env, HandlerCatalogue.standard()), Clock.systemUTC(),
        new SimpleMeterRegistry());
  }

  /** What the CLI commands use, for the stack, handlers limited to logging. */
  public static CompositionRoot commands(LocalShopStack stack) {
    Map<String, String> env = stack.workerEnvironment("streams-probe");
    env.put("SHOP_HANDLERS", "logging");
    return CompositionRoot.create(CompositionRoot.configuration(env, HandlerCatalogue.standard()), Clock.systemUTC(),
        new SimpleMeterRegistry());
  }
}
