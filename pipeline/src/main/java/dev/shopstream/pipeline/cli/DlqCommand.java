package dev.shopstream.pipeline.cli;

import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterRedrive;
import dev.shopstream.pipeline.dlq.RecordLocation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code shop-stream dlq list|redrive}: the dead-letter queue. */
@Command(name = "dlq", mixinStandardHelpOptions = true, subcommands = {DlqCommand.ListEntries.class,
    DlqCommand.Redrive.class},
    description = "Inspect and redrive the dead-letter queue (SHOP_DLQ_URL).")
final class DlqCommand implements Runnable {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @ParentCommand
  Main main;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Shows parked entries without removing them.", "Example: shop-stream dlq list --max 20"})
  static final class ListEntries implements Callable<Integer> {
    @ParentCommand
    DlqCommand dlq;

    @Option(names = "--max", defaultValue = "50", description = "At most this many entries (default ${DEFAULT-VALUE}).")
    int max;

    @Override
    public Integer call() {
      try (CompositionRoot root = dlq.main.root(new SimpleMeterRegistry())) {
        DeadLetterRedrive queue = root.deadLetterRedrive();
        System.out.println("dead-letter queue depth: " + queue.depth());
        for (DeadLetterRedrive.Entry entry : queue.list(max)) {
          System.out.println(describe(entry));
        }
        return 0;
      }
    }
  }

  @Command(name = "redrive", mixinStandardHelpOptions = true,
      description = {"Runs parked entries through their handlers again (claims prevent repeated effects) and "
          + "deletes each one that goes through; the rest stay.", "Example: shop-stream dlq redrive --max 100"})
  static final class Redrive implements Callable<Integer> {
    @ParentCommand
    DlqCommand dlq;

    @Option(names = "--max", defaultValue = "100", description =
        "At most this many entries (default ${DEFAULT-VALUE}).")
    int max;

    @Override
    public Integer call() {
      try (CompositionRoot root = dlq.main.root(new SimpleMeterRegistry())) {
        List<DeadLetterRedrive.Outcome> outcomes = root.deadLetterRedrive().redrive(max,
            root.redriveProcessor()::redrive);
        long failed = outcomes.stream().filter(o -> o.failure() != null).count();
        for (DeadLetterRedrive.Outcome outcome : outcomes) {
          System.out.println((outcome.failure() == null ? "redriven  " : "FAILED    ") + describe(outcome.entry())
              + (outcome.failure() == null ? "" : "\n          " + outcome.failure()));
        }
        System.out.println(outcomes.size() - failed + " redriven and deleted, " + failed
            + " still failing (left in the queue)");
        return failed == 0 ? 0 : 1;
      }
    }
  }

  static String describe(DeadLetterRedrive.Entry entry) {
    DeadLetter letter = entry.letter();
    String stored = entry.location().storage() == RecordLocation.Storage.INLINE ? ""
        : "\n          record: " + entry.location().describe();
    if (letter == null) {
      return entry.messageId() + "  undecodable: " + entry.decodeError() + stored;
    }
    return String.format("%s  %-26s shard %s seq %s%s  attempts %d  %s%s", entry.messageId(), letter.kind(),
        letter.source().shardId(), letter.source().sequenceNumber(),
        letter.handler() == null ? "" : "  handler " + letter.handler() + " event " + letter.eventType() + " "
            + letter.eventId(),
        letter.attempts(), letter.errorMessage(), stored);
  }
}
