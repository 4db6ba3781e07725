package dev.shopstream.pipeline.app;

import dev.shopstream.pipeline.config.ConfigException;
import dev.shopstream.pipeline.config.WorkerConfig;
import dev.shopstream.pipeline.processing.LoggingRejectionSink;
import dev.shopstream.pipeline.stream.StreamRecordJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Command-line entry point: {@code shop-stream run}. Configuration comes from the environment. */
@Command(name = "shop-stream", mixinStandardHelpOptions = true, subcommands = {Main.Run.class},
    description = "Turns a DynamoDB table's change stream into domain events and delivers them.")
public final class Main {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Runs the worker until SIGTERM. Configuration: environment variables (see README).",
          "Example: SHOP_TABLE=shop AWS_REGION=eu-west-1 shop-stream run"})
  static final class Run implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      Map<String, String> env = System.getenv();
      WorkerConfig config;
      try {
        config = WorkerConfig.load(env, HandlerCatalogue.KNOWN, defaultWorkerId());
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      Clock clock = Clock.systemUTC();
      AwsClients clients = AwsClients.create(config, env);
      ShopStreamWorker worker = ShopStreamWorker.create(config, clients, HandlerCatalogue.standard(config, clients, clock),
          new LoggingRejectionSink(new StreamRecordJson(new ObjectMapper())), new SimpleMeterRegistry(), clock);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        worker.close();
        stopped.countDown();
      }, "sigterm"));
      worker.start();
      stopped.await();
      return 0;
    }
  }

  static String defaultWorkerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "worker";
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
