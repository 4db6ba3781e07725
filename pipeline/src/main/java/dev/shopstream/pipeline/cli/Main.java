package dev.shopstream.pipeline.cli;

import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.app.HandlerCatalogue;
import dev.shopstream.settings.ConfigException;
import dev.shopstream.pipeline.app.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Command-line entry point: the command tree, the exit codes and how expected failures print; each
 * command (RunCommand, ReplayCommand, SnapshotCommand, StatusCommand,
 * DlqCommand) is its own class. Configuration comes from the
 * environment (see docs/configuration.md); every object comes from the {@link CompositionRoot}. Expected failures
 * (bad configuration, a dependency missing or unreachable) print one line each and exit 2.
 */
@Command(name = "shop-stream", mixinStandardHelpOptions = true,
    subcommands = {RunCommand.class, ReplayCommand.class, SnapshotCommand.class, StatusCommand.class, DlqCommand.class},
    description = "Turns a DynamoDB table's change stream into domain events and delivers them.")
public final class Main {
  static final int CONFIGURATION_OR_DEPENDENCY = 2;
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private final Map<String, String> env;

  public Main() {
    this(System.getenv());
  }

  Main(Map<String, String> env) {
    this.env = env;
  }

  public static void main(String[] args) {
    System.exit(commandLine(new Main()).execute(args));
  }

  static CommandLine commandLine(Main main) {
    CommandLine line = new CommandLine(main);
    line.setExecutionExceptionHandler((error, commandLine, parsed) -> {
      PrintWriter err = commandLine.getErr();
      if (error instanceof ConfigException config) {
        err.println("shop-stream cannot start: invalid configuration");
        config.problems().forEach(problem -> err.println("  " + problem));
        return CONFIGURATION_OR_DEPENDENCY;
      }
      StartupFailure failure = StartupFailure.describe(error);
      if (failure != null) {
        err.println("shop-stream: " + failure.line());
        LOG.debug("{}", failure.line(), error);
        return CONFIGURATION_OR_DEPENDENCY;
      }
      throw error;
    });
    return line;
  }

  /** The root for this environment: the configuration is read first (exit 2 on any problem). */
  CompositionRoot root(MeterRegistry registry) {
    HandlerCatalogue catalogue = HandlerCatalogue.standard();
    WorkerConfig config = CompositionRoot.configuration(env, catalogue);
    return CompositionRoot.create(config, catalogue, Clock.systemUTC(), registry);
  }
}
