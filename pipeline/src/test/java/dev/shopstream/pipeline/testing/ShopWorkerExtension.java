package dev.shopstream.pipeline.testing;

import dev.shopstream.handlers.EventHandler;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One local stack (moto, the SES emulator, fauxqs; shop and idempotency tables) and one in-process
 * KCL worker on it for a test class, started before all its tests and stopped after them. Register
 * it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ShopWorkerExtension shop = ShopWorkerExtension.worker("e2e-app", recorder, "email,recorder")
 *     .with("SHOP_RETRY_MAX_MILLIS", "500");
 * }</pre>
 */
public final class ShopWorkerExtension implements BeforeAllCallback, AfterAllCallback {
  private final String application;
  private final EventHandler extra;
  private final Map<String, String> overrides = new LinkedHashMap<>();
  private Consumer<LocalShopStack> beforeWorkerStarts = stack -> {};
  private LocalShopStack stack;
  private Map<String, String> env;
  private ShopStreamWorker worker;

  private ShopWorkerExtension(String application, EventHandler extra, String handlers) {
    this.application = application;
    this.extra = extra;
    overrides.put("SHOP_HANDLERS", handlers);
  }

  /** A worker for KCL application {@code application}, with {@code extra} among its handlers {@code handlers}. */
  public static ShopWorkerExtension worker(String application, EventHandler extra, String handlers) {
    return new ShopWorkerExtension(application, extra, handlers);
  }

  /** Sets one worker environment variable on top of {@link LocalShopStack#workerEnvironment}. */
  public ShopWorkerExtension with(String key, String value) {
    overrides.put(key, value);
    return this;
  }

  /** Runs after the tables exist and before the worker starts (e.g. writes it must find at TRIM_HORIZON). */
  public ShopWorkerExtension beforeWorkerStarts(Consumer<LocalShopStack> action) {
    this.beforeWorkerStarts = action;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    stack = LocalWorkers.stack();
    env = stack.workerEnvironment(application);
    env.putAll(overrides);
    beforeWorkerStarts.accept(stack);
    worker = LocalWorkers.start(env, extra);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (worker != null) {
        worker.close();
      }
    } finally {
      if (stack != null) {
        stack.close();
      }
    }
  }

  public LocalShopStack stack() {
    return stack;
  }

  public DynamoDbClient dynamo() {
    return stack.dynamo;
  }

  /** The worker's environment (a copy). */
  public Map<String, String> env() {
    return new HashMap<>(env);
  }

  public ShopStreamWorker worker() {
    return worker;
  }

  /** Stops the worker gracefully and closes it; true if the graceful stop completed in time. */
  public boolean stopWorker() {
    boolean graceful = worker.stop();
    worker.close();
    worker = null;
    return graceful;
  }

  /** Starts a new worker on the same stack and lease table, with {@code handler} as its extra handler. */
  public ShopStreamWorker startWorker(EventHandler handler) {
    if (worker != null) {
      throw new IllegalStateException("a worker is running: stopWorker() first");
    }
    worker = LocalWorkers.start(env, handler);
    return worker;
  }
}
