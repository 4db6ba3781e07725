package dev.shopstream.testkit.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.testkit.Await;
import dev.shopstream.testkit.ShopItems;
import dev.shopstream.testkit.WorkerProcess;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The analytics sync check, counted from outside: seed items, start the worker (analytics only, from LATEST) as its
 * own process, run {@code shop-stream snapshot} as its own process while writes go on, SIGKILL it once its checkpoint
 * shows progress but not the end, resume it from the checkpoint, stop the writes and wait until the
 * {@link ReferenceSink} equals a scan of the table (the handover), then write more changes and wait again. Every
 * state the sink holds came through the analytics topic; the expected side is {@link ExpectedStates}.
 */
public final class SyncScenario {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RESUME =
      Pattern.compile("to resume this snapshot after a crash: shop-stream snapshot (.+)");
  private static final Pattern DONE = Pattern.compile("(done|stopped early): ([0-9,]+) row\\(s\\).* in ([0-9.]+) s");
  private static final String BUCKET = "shop-exports";
  private static final String PREFIX = "sync-check";

  /**
   * @param items seeded before the snapshot
   * @param changes written after the snapshot's handover
   * @param writesPerSecond made while the snapshot runs
   * @param checkpointLines the snapshot's {@code --checkpoint-lines}: the kill comes after the first checkpoint
   * @param bound for each wait (worker reading, snapshot, each convergence)
   */
  public record Settings(int items, int changes, int writesPerSecond, int checkpointLines, Duration bound, Path logs) {}

  /**
   * What happened. {@code handover}: the sink equal to the table after the snapshot and the writes during it;
   * {@code end}: after the further changes too. Differences are empty when the sink matched.
   */
  public record Result(int seeded, int writesDuringSnapshot, long linesDoneAtKill, boolean killedMidway,
      String resumeArguments, int resumeExit, String resumeOutput, long resumedRows, double resumedRowsPerSecond,
      Duration handoverLag, List<String> handoverDifferences, Duration changesLag, List<String> endDifferences,
      int tableItems, long sinkRows, long tombstones, long statesReceived, long statesApplied, Duration took) {}

  private final LocalShopStack stack;
  private final Settings settings;
  private final ExpectedStates expected;
  private final Map<String, String> env;

  public SyncScenario(LocalShopStack stack, Settings settings, String application) {
    this.stack = stack;
    this.settings = settings;
    this.env = stack.workerEnvironment(application);
    env.put("SHOP_HANDLERS", "analytics");
    env.put("SHOP_INITIAL_POSITION", "LATEST");
    this.expected = new ExpectedStates(env.get("SHOP_ANALYTICS_PII_KEY"));
  }

  /** The environment the worker and the snapshot run with. */
  public Map<String, String> environment() {
    return Map.copyOf(env);
  }

  public Result run() throws Exception {
    Instant start = Instant.now();
    String table = LocalShopStack.TABLE;
    stack.dynamo.updateContinuousBackups(r -> r.tableName(table)
        .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
    try (S3Client s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), stack.moto.endpoint());
        ReferenceSink sink = ReferenceSink.start(stack.sqs, stack.analyticsStateTap.queueUrl(), 4);
        WorkerProcess worker = WorkerProcess.start(env, settings.logs().resolve("sync-worker.log"))) {
      s3.createBucket(r -> r.bucket(BUCKET));
      List<WriteRequest> seeds = new ArrayList<>();
      for (int i = 0; i < settings.items(); i++) {
        Map<String, AttributeValue> item = ShopChanges.item(i, 0);
        seeds.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
      }
      writeBatches(seeds);
      phase(start, settings.items() + " items seeded");
      awaitWorkerReading(sink, worker);
      phase(start, "the worker publishes states");

      ShopChanges changes = new ShopChanges(settings.items(), 20L);
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger written = new AtomicInteger();
      Thread writer = new Thread(() -> writeSteadily(changes, writing, written), "sync-writer");
      writer.start();
      Kill kill;
      Run resumed;
      String resumeArguments;
      try {
        WorkerProcess snapshot = WorkerProcess.command(env, settings.logs().resolve("sync-snapshot-1.log"),
            "snapshot", "--bucket", BUCKET, "--prefix", PREFIX, "--checkpoint-lines",
            Integer.toString(settings.checkpointLines()),
            "--concurrency", "16", "--log-file", settings.logs().resolve("sync-snapshot-1.app.log").toString());
        kill = killAfterFirstCheckpoint(s3, snapshot);
        phase(start, "snapshot SIGKILLed at " + kill.lines + " line(s) checkpointed");
        resumeArguments = resumeArguments(snapshot.log());
        List<String> arguments = new ArrayList<>(List.of(resumeArguments.split(" ")));
        arguments.addAll(List.of("--checkpoint-lines", Integer.toString(settings.checkpointLines()),
            "--concurrency", "16", "--log-file", settings.logs().resolve("sync-snapshot-2.app.log").toString()));
        arguments.add(0, "snapshot");
        resumed = runToEnd(WorkerProcess.command(env, settings.logs().resolve("sync-snapshot-2.log"),
            arguments.toArray(String[]::new)));
      } finally {
        writing.set(false);
        writer.join();
      }
      Instant snapshotEnd = Instant.now();
      phase(start, "resumed snapshot ended (exit " + resumed.exit + ", " + resumed.rows + " rows)");
      List<String> handover = awaitEqual(sink);
      Duration handoverLag = Duration.between(snapshotEnd, Instant.now());
      phase(start, "handover checked (" + handover.size() + " difference(s))");

      writeBatches(distinct(changes, settings.changes()));
      Instant changesWritten = Instant.now();
      List<String> end = awaitEqual(sink);
      Duration changesLag = Duration.between(changesWritten, Instant.now());
      phase(start, settings.changes() + " changes checked (" + end.size() + " difference(s))");
      List<Map<String, AttributeValue>> scan = scan();
      Map<String, ReferenceSink.Row> rows = sink.rows();
      return new Result(settings.items(), written.get(), kill.lines, kill.midway, resumeArguments, resumed.exit,
          resumed.output, resumed.rows, resumed.rowsPerSecond, handoverLag, handover, changesLag, end, scan.size(),
          rows.size(), rows.values().stream().filter(ReferenceSink.Row::deleted).count(), sink.received(),
          sink.applied(), Duration.between(start, Instant.now()));
    }
  }

  private record Kill(long lines, boolean midway) {}

  private record Run(int exit, String output, long rows, double rowsPerSecond) {}

  /** Writes a product again and again until its state reaches the sink: from then on the worker reads the stream. */
  private void awaitWorkerReading(ReferenceSink sink, WorkerProcess worker) throws InterruptedException {
    AtomicInteger variant = new AtomicInteger();
    Await.every(Duration.ofSeconds(1)).until("the worker published a state", settings.bound(), () -> {
      if (sink.rows().containsKey("PRODUCT#sync-probe/META")) {
        return true;
      }
      if (!worker.isAlive()) {
        throw new IllegalStateException("the worker ended before it published a state; its log:\n"
            + tail(worker.log()));
      }
      int v = variant.getAndIncrement();
      stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(ShopItems.product("sync-probe", "Probe",
          BigDecimal.ONE, v)));
      return false;
    }, () -> "its log:\n" + tail(worker.log()));
  }

  private void writeSteadily(ShopChanges changes, AtomicBoolean writing, AtomicInteger written) {
    long pauseNanos = 1_000_000_000L / Math.max(1, settings.writesPerSecond());
    long next = System.nanoTime();
    while (writing.get()) {
      WriteRequest change = changes.next();
      if (change.putRequest() != null) {
        stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(change.putRequest().item()));
      } else {
        stack.dynamo.deleteItem(r -> r.tableName(LocalShopStack.TABLE).key(change.deleteRequest().key()));
      }
      written.incrementAndGet();
      next += pauseNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** {@code count} changes, no key twice within one batch of 25 (BatchWriteItem refuses that). */
  private static List<WriteRequest> distinct(ShopChanges changes, int count) {
    List<WriteRequest> out = new ArrayList<>();
    Map<String, WriteRequest> batch = new LinkedHashMap<>();
    while (out.size() + batch.size() < count) {
      WriteRequest change = changes.next();
      batch.putIfAbsent(ShopChanges.keyOf(change), change);
      if (batch.size() == 25) {
        out.addAll(batch.values());
        batch.clear();
      }
    }
    out.addAll(batch.values());
    return out;
  }

  private void writeBatches(List<WriteRequest> requests) {
    for (int from = 0; from < requests.size(); from += 25) {
      List<WriteRequest> batch = requests.subList(from, Math.min(requests.size(), from + 25));
      Map<String, List<WriteRequest>> pending = Map.of(LocalShopStack.TABLE, batch);
      while (!pending.isEmpty()) {
        Map<String, List<WriteRequest>> request = pending;
        pending = stack.dynamo.batchWriteItem(r -> r.requestItems(request)).unprocessedItems();
      }
    }
  }

  /**
   * SIGKILLs the snapshot once its checkpoint records some lines but not the end.
   *
   * @return the lines its checkpoint had at the kill, and whether the kill came mid-way (false: it finished first)
   */
  private Kill killAfterFirstCheckpoint(S3Client s3, WorkerProcess snapshot) throws InterruptedException {
    Kill kill = Await.every(Duration.ofMillis(50)).firstOf(settings.bound(), () -> {
      JsonNode checkpoint = checkpoint(s3);
      if (checkpoint != null) {
        long lines = 0;
        for (JsonNode n : checkpoint.path("linesDone")) {
          lines += n.asLong();
        }
        if (checkpoint.path("complete").asBoolean()) {
          return new Kill(lines, false);
        }
        if (lines > 0) {
          return new Kill(lines, true); // killed below, at once
        }
      }
      if (!snapshot.isAlive()) {
        throw new IllegalStateException("the snapshot ended before its first checkpoint; its log:\n"
            + tail(snapshot.log()));
      }
      return null;
    });
    if (kill == null || kill.midway) {
      snapshot.kill();
    }
    if (kill == null) {
      throw new IllegalStateException("no snapshot checkpoint within " + settings.bound() + "; its log:\n"
          + tail(snapshot.log()));
    }
    return kill;
  }

  private JsonNode checkpoint(S3Client s3) {
    String name = "shop-stream-snapshot-" + env.get("SHOP_APPLICATION_NAME") + ".json";
    for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(PREFIX + "/")).contents()) {
      if (object.key().endsWith(name)) {
        try {
          return JSON.readTree(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(object.key())).asUtf8String());
        } catch (NoSuchKeyException | IOException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static String resumeArguments(String log) {
    Matcher m = RESUME.matcher(log);
    if (!m.find()) {
      throw new IllegalStateException("the snapshot printed no resume command; its log:\n" + tail(log));
    }
    return m.group(1).strip();
  }

  /**
   * {@code shop-stream snapshot <resumeArguments> --dry-run} as its own process: reads and derives every row of the
   * export, publishes nothing. @return rows per second as the command printed them (0 when it printed none)
   */
  public double dryRunRowsPerSecond(String resumeArguments) throws InterruptedException {
    List<String> arguments = new ArrayList<>(List.of(resumeArguments.split(" ")));
    arguments.add(0, "snapshot");
    arguments.addAll(List.of("--dry-run", "--log-file", settings.logs().resolve("sync-dry-run.app.log").toString()));
    return runToEnd(WorkerProcess.command(env, settings.logs().resolve("sync-dry-run.log"),
        arguments.toArray(String[]::new))).rowsPerSecond;
  }

  private Run runToEnd(WorkerProcess snapshot) throws InterruptedException {
    if (!snapshot.awaitExit(settings.bound())) {
      snapshot.kill();
      throw new IllegalStateException("the resumed snapshot did not end within " + settings.bound() + "; its log:\n"
          + tail(snapshot.log()));
    }
    int exit = snapshot.exitValue();
    String log = snapshot.log();
    Matcher m = DONE.matcher(log);
    long rows = 0;
    double seconds = 0;
    if (m.find()) {
      rows = Long.parseLong(m.group(2).replace(",", ""));
      seconds = Double.parseDouble(m.group(3));
    }
    return new Run(exit, log, rows, seconds > 0 ? rows / seconds : 0);
  }

  /**
   * Waits until the sink equals a scan of the table; @return the differences left at the bound (none: equal). Scans
   * only once the sink has had nothing new for a second: a scan of a large table is slow on moto, and competes with
   * the worker's reads of the stream.
   */
  private List<String> awaitEqual(ReferenceSink sink) throws InterruptedException {
    Instant deadline = Instant.now().plus(settings.bound());
    Await quiet = Await.every(Duration.ofMillis(200));
    while (true) {
      quiet.within(Duration.between(Instant.now(), deadline), () -> sink.quietMillis() >= 1000);
      List<String> differences = expected.differences(scan(), sink.rows(), 10);
      if (differences.isEmpty() || Instant.now().isAfter(deadline)) {
        return differences;
      }
      Thread.sleep(1000);
    }
  }

  /** The whole table; a page that times out on a loaded moto is asked for again. */
  private List<Map<String, AttributeValue>> scan() {
    for (int attempt = 1; ; attempt++) {
      try {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        stack.dynamo.scanPaginator(r -> r.tableName(LocalShopStack.TABLE).consistentRead(true)).items()
            .forEach(items::add);
        return items;
      } catch (SdkClientException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  private static void phase(Instant start, String what) {
    System.out.printf("sync check +%d s: %s%n", Duration.between(start, Instant.now()).toSeconds(), what);
  }

  private static String tail(String log) {
    List<String> lines = log.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
