package dev.shopstream.pipeline.cli;

import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.app.WorkerConfig;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
import dev.shopstream.pipeline.ops.JvmMetrics;
import dev.shopstream.pipeline.ops.OpsHttpServer;
import dev.shopstream.pipeline.processing.FatalErrors;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code shop-stream run}: checks the dependencies, then runs the worker until SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Checks the table, its stream, the idempotency table, the dead-letter queue and the enabled "
        + "handlers' topics and sender, then runs the worker until SIGTERM and stops within "
        + "SHOP_SHUTDOWN_TIMEOUT_SECONDS.",
        "Example: SHOP_TABLE=shop AWS_REGION=eu-west-1 SHOP_DLQ_URL=... shop-stream run"})
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @ParentCommand
  Main main;

  @Override
  public Integer call() throws InterruptedException {
    Thread.setDefaultUncaughtExceptionHandler(FatalErrors.onAnyThread(FatalErrors.HALT));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    JvmMetrics jvm = JvmMetrics.bindTo(registry);
    CompositionRoot root = main.root(registry);
    List<String> problems = root.preflight().problems();
    if (!problems.isEmpty()) {
      System.err.println("shop-stream cannot start: " + problems.size() + " dependenc"
          + (problems.size() == 1 ? "y" : "ies") + " not usable");
      problems.forEach(problem -> System.err.println("  " + problem));
      root.close();
      return Main.CONFIGURATION_OR_DEPENDENCY;
    }
    ShopStreamWorker worker = root.worker();
    WorkerConfig config = root.config();
    OpsHttpServer http = OpsHttpServer.start(config.ops().httpHost(), config.ops().httpPort(), worker::isRunning,
        worker::isReady, registry);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      http.close();
      jvm.close();
      root.close();
      stopped.countDown();
    }, "sigterm"));
    worker.start();
    LOG.info("health and metrics on http://{}:{}/ (health/live, health/ready, metrics)",
        config.ops().httpHost(), http.port());
    while (!stopped.await(1, TimeUnit.SECONDS)) {
      if (!worker.isRunning() && !worker.isStopping()) {
        LOG.error("the KCL scheduler stopped on its own (see the errors above); exiting so that the task is replaced "
            + "and resumes from its checkpoints");
        return 1;
      }
    }
    return 0;
  }
}
