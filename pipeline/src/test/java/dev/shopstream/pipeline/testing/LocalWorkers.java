package dev.shopstream.pipeline.testing;

import dev.shopstream.handlers.EventHandler;
import dev.shopstream.local.DynamoDbLocal;
import dev.shopstream.pipeline.app.AwsClients;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.pipeline.app.ShopStreamWorker;
import dev.shopstream.pipeline.config.WorkerConfig;
import dev.shopstream.pipeline.processing.RejectionSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Workers wired to a DynamoDB Local, tuned to start fast (short lease intervals, no EC2 probing). */
public final class LocalWorkers {
  private LocalWorkers() {}

  public static Map<String, String> env(DynamoDbLocal dynamo, String table, String applicationName) {
    Map<String, String> env = new HashMap<>();
    env.put("SHOP_TABLE", table);
    env.put("SHOP_APPLICATION_NAME", applicationName);
    env.put("SHOP_DYNAMODB_ENDPOINT", dynamo.endpoint().toString());
    env.put("SHOP_INITIAL_POSITION", "TRIM_HORIZON");
    env.put("SHOP_POLL_IDLE_MILLIS", "50");
    env.put("SHOP_KCL_FAILOVER_MILLIS", "5000");
    env.put("SHOP_KCL_LEASE_ASSIGNMENT_MILLIS", "1000");
    env.put("SHOP_KCL_WORKER_METRICS", "false");
    env.put("SHOP_RETRY_INITIAL_MILLIS", "50");
    env.put("SHOP_RETRY_MAX_MILLIS", "500");
    env.put("SHOP_SHUTDOWN_TIMEOUT_SECONDS", "20");
    return env;
  }

  /** A started worker whose only handler is {@code handler}. */
  public static ShopStreamWorker start(Map<String, String> env, EventHandler handler, RejectionSink rejections) {
    Map<String, String> withHandler = new HashMap<>(env);
    withHandler.put("SHOP_HANDLERS", handler.name());
    return start(withHandler, handler, rejections, HandlerCatalogue.knownWith(handler.name()));
  }

  /** A started worker running the handlers {@code env} enables, plus {@code extra} under its own name. */
  public static ShopStreamWorker start(Map<String, String> env, EventHandler extra, RejectionSink rejections,
      java.util.Set<String> knownHandlers) {
    WorkerConfig config = WorkerConfig.load(env, knownHandlers, "test-worker-" + System.nanoTime());
    AwsClients clients = AwsClients.create(config, env);
    HandlerCatalogue catalogue = HandlerCatalogue.standard(config, clients, Clock.systemUTC()).with(extra.name(), () -> extra);
    ShopStreamWorker worker = ShopStreamWorker.create(config, clients, catalogue, rejections, new SimpleMeterRegistry(),
        Clock.systemUTC());
    worker.start();
    return worker;
  }

}
