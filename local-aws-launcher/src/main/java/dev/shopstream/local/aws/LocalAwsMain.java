package dev.shopstream.local.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/local-aws up} in the foreground: starts a {@link LocalShopStack} (moto, the SES emulator,
 * fauxqs, all on 127.0.0.1), creates the shop and idempotency tables, writes the endpoints and the
 * worker's {@code SHOP_*} environment to a state file (shell syntax, written once everything is ready),
 * then holds its child processes until SIGTERM; its shutdown hooks stop them. If this JVM is killed
 * outright, the children exit too: their stdin lifeline closes.
 *
 * <p>Usage: {@code LocalAwsMain <state-file> [application-name]}
 */
public final class LocalAwsMain {
  private LocalAwsMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: LocalAwsMain <state-file> [application-name]");
      System.exit(2);
    }
    Path state = Path.of(args[0]).toAbsolutePath();
    String application = args.length > 1 ? args[1] : "shop-stream-local";
    Path logs = state.getParent().resolve("logs");
    LocalShopStack stack = LocalShopStack.start(logs);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Files.deleteIfExists(state);
      } catch (IOException ignored) {
        // best effort: status checks the pid as well
      }
      stack.close();
      stopped.countDown();
    }, "local-aws-down"));
    ShopTableSetup.createIfMissing(stack.dynamo, LocalShopStack.TABLE);
    ShopTableSetup.createIdempotencyTableIfMissing(stack.dynamo, LocalShopStack.IDEMPOTENCY_TABLE);
    write(state, stateLines(stack, application));
    System.out.println("local-aws ready; state in " + state);
    System.out.flush();
    stopped.await();
  }

  static List<String> stateLines(LocalShopStack stack, String application) {
    List<String> lines = new ArrayList<>();
    lines.add("# bin/local-aws state: source it (set -a; . FILE) to run the worker against the local stack");
    lines.add("LOCAL_AWS_PID=" + ProcessHandle.current().pid());
    lines.add("LOCAL_AWS_DYNAMODB=" + stack.moto.endpoint());
    lines.add("LOCAL_AWS_SES=" + stack.ses.endpoint());
    lines.add("LOCAL_AWS_SNS_SQS=" + stack.fauxqs.endpoint());
    lines.add("LOCAL_AWS_WAITLIST_QUEUE=" + quote(stack.waitlistTap.queueUrl()));
    lines.add("LOCAL_AWS_ANALYTICS_QUEUE=" + quote(stack.analyticsTap.queueUrl()));
    lines.add("LOCAL_AWS_PORTS=\"" + stack.moto.port() + " " + stack.ses.port() + " " + stack.fauxqs.port() + "\"");
    Map<String, String> env = new TreeMap<>(stack.workerEnvironment(application));
    env.forEach((key, value) -> lines.add("export " + key + "=" + quote(value)));
    return lines;
  }

  private static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  private static void write(Path state, List<String> lines) {
    try {
      Path temp = state.resolveSibling(state.getFileName() + ".tmp");
      Files.write(temp, lines, StandardCharsets.UTF_8);
      Files.move(temp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + state, e);
    }
  }
}
