package dev.shopstream.pipeline.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.EntityState;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.pipeline.diff.DiffOutcome;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.stream.AttributeValueJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Emits the state of every item of a finished export to one handler (analytics), file by file and line by
 * line (a full export: every item; an incremental one: every item changed in its window, deleted ones as
 * tombstones), with progress and a checkpoint: lines are read in chunks, a chunk's states published concurrently,
 * and the chunk's end saved once all of them were accepted. A dry run derives and counts, sends and saves nothing.
 */
public final class Snapshot {
  /** Lines per chunk by default: what a crash repeats at most, per file. */
  public static final int DEFAULT_CHUNK_LINES = 1000;
  private static final int PUBLISH_ATTEMPTS = 3;

  /** What the run did. {@code complete}: every line of every file done. */
  public record Summary(long rows, long states, long rejected, long unrecognized, long skippedAsDone, boolean complete,
      List<String> rejections, Duration took) {}

  /** @param chunkLines lines per checkpointed chunk: what a crash repeats at most, per file */
  public record Options(boolean dryRun, Duration maxDuration, int concurrency, int chunkLines) {
    public Options {
      if (chunkLines < 1) {
        throw new IllegalArgumentException("chunkLines must be at least 1");
      }
    }
  }

  private final ImageDiffer differ;
  private final S3Client s3;
  private final EventHandler analytics;
  private final String table;
  private final Clock clock;
  private final PrintStream out;
  private final ObjectMapper json = new ObjectMapper();

  /** @param analytics where states go; null for a dry run */
  public Snapshot(ImageDiffer differ, S3Client s3, EventHandler analytics, String table, Clock clock, PrintStream out) {
    this.differ = differ;
    this.s3 = s3;
    this.analytics = analytics;
    this.table = table;
    this.clock = clock;
    this.out = out;
  }

  /**
   * Why a snapshot of an export taken at {@code exportTime} should not start now, if so: the stream keeps
   * changes 24 h, and the changes since the export time must still be in it when the snapshot ends (the live
   * worker has published them, or {@code replay --from <export time>} can), or the sink has a gap.
   */
  public static Optional<String> retentionProblem(Instant exportTime, Long itemCount, Instant now, Duration retention,
      double rowsPerSecond) {
    Duration estimate = Duration.ofSeconds(itemCount == null ? 0 : (long) Math.ceil(itemCount / rowsPerSecond));
    Instant trimmed = exportTime.plus(retention);
    if (now.plus(estimate).isAfter(trimmed)) {
      return Optional.of("the export is as of " + exportTime + ": the stream keeps changes " + retention.toHours()
          + " h, so from " + trimmed + " on it no longer holds the changes since then, and this snapshot"
          + (itemCount == null ? "" : " (" + itemCount + " items, about " + estimate.toMinutes() + " min at "
          + (long) rowsPerSecond + " rows/s)") + " would end after that: take a new export (omit --export)");
    }
    return Optional.empty();
  }

  public Summary run(ExportLocation export, SnapshotCheckpoint checkpoint, Options options) {
    Instant start = clock.instant();
    Instant deadline = start.plus(options.maxDuration());
    SnapshotCheckpoint.Progress done = options.dryRun() ? SnapshotCheckpoint.Progress.none()
        : checkpoint.load(export.exportId());
    long skipped = done.lines();
    if (skipped > 0) {
      out.printf("resuming from %s: %,d line(s) already done%n", checkpoint.location(), skipped);
    }
    Counts counts = new Counts();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.concurrency()), task -> {
      Thread thread = new Thread(task, "snapshot-publish");
      thread.setDaemon(true);
      return thread;
    });
    boolean complete = true;
    try {
      int fileNo = 0;
      for (String file : export.dataFiles()) {
        fileNo++;
        if (done.filesDone().contains(file)) {
          continue;
        }
        long linesDone = done.linesDone().getOrDefault(file, 0L);
        FileResult result = readFile(export, file, linesDone, pool, counts, start, deadline, options,
            lines -> {
              done.linesDone().put(file, lines);
              if (!options.dryRun()) {
                checkpoint.save(export.exportId(), done, false);
              }
            });
        if (!result.finished) {
          complete = false;
          break;
        }
        done.filesDone().add(file);
        if (!options.dryRun()) {
          checkpoint.save(export.exportId(), done, false);
        }
        progress(counts, start, "file " + fileNo + "/" + export.dataFiles().size() + " done");
      }
      if (complete && !options.dryRun()) {
        checkpoint.save(export.exportId(), done, true);
      }
    } finally {
      pool.shutdownNow();
    }
    return new Summary(counts.rows, counts.states, counts.rejected, counts.unrecognized, skipped, complete,
        List.copyOf(counts.rejections), Duration.between(start, clock.instant()));
  }

  private record FileResult(boolean finished) {}

  /** Reads one data file from line {@code skip + 1}; each chunk's end goes to {@code chunkDone} once published. */
  private FileResult readFile(ExportLocation export, String file, long skip, ExecutorService pool, Counts counts,
      Instant start, Instant deadline, Options options, LongConsumer chunkDone) {
    boolean dryRun = options.dryRun();
    int chunkLines = options.chunkLines();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(s3.getObject(r -> r.bucket(export.bucket()).key(file))), StandardCharsets.UTF_8))) {
      long lineNo = 0;
      List<EntityState> chunk = new ArrayList<>(Math.min(chunkLines, 10_000));
      Instant lastProgress = clock.instant();
      for (String line = lines.readLine(); ; line = lines.readLine()) {
        if (line != null) {
          lineNo++;
          if (lineNo <= skip || line.isBlank()) {
            continue;
          }
          counts.rows++;
          state(export, file, lineNo, line, counts).ifPresent(chunk::add);
        }
        // a chunk ends every chunkLines lines (rejected and unrecognized ones too) and at the file's end
        if (line == null || (lineNo > skip && lineNo % chunkLines == 0)) {
          if (!dryRun && !publish(chunk, pool)) {
            return new FileResult(false);
          }
          counts.states += chunk.size();
          chunk.clear();
          chunkDone.accept(lineNo);
          if (clock.instant().isAfter(lastProgress.plusSeconds(5))) {
            lastProgress = clock.instant();
            progress(counts, start, file);
          }
          if (line != null && clock.instant().isAfter(deadline)) {
            out.println("stopping: --max-duration reached; run the same command again to resume");
            return new FileResult(false);
          }
        }
        if (line == null) {
          return new FileResult(true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading s3://" + export.bucket() + "/" + file, e);
    }
  }

  private Optional<EntityState> state(ExportLocation export, String file, long lineNo, String line, Counts counts) {
    Map<String, AttributeValue> keys;
    Map<String, AttributeValue> item;
    try {
      JsonNode node = json.readTree(line);
      if (export.incremental()) {
        // one changed item: its keys, its image at the window's end (none: deleted), its image before
        keys = AttributeValueJson.readItem(node.get("Keys"));
        if (keys == null) {
          throw new IllegalArgumentException("the line has no \"Keys\"");
        }
        item = node.hasNonNull("NewImage") ? AttributeValueJson.readItem(node.get("NewImage")) : null;
      } else {
        item = AttributeValueJson.readItem(node.get("Item"));
        if (item == null) {
          throw new IllegalArgumentException("the line has no \"Item\"");
        }
        keys = item;
      }
    } catch (IOException | IllegalArgumentException e) {
      counts.reject(file + " line " + lineNo + ": not an export line: " + e.getMessage());
      return Optional.empty();
    }
    DiffOutcome outcome = differ.exportedState(keys, item, table, export.exportId(), export.exportTime());
    if (outcome instanceof DiffOutcome.Derived derived && derived.state() != null) {
      return Optional.of(derived.state());
    }
    if (outcome instanceof DiffOutcome.Rejected rejected) {
      counts.reject(rejected.reason());
    } else {
      counts.unrecognized++;
    }
    return Optional.empty();
  }

  /** @return true when every state was accepted (each tried a few times) */
  private boolean publish(List<EntityState> states, ExecutorService pool) {
    List<Future<String>> results = new ArrayList<>(states.size());
    for (EntityState state : states) {
      results.add(pool.submit(() -> {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= PUBLISH_ATTEMPTS; attempt++) {
          try {
            analytics.handle(state);
            return null;
          } catch (RuntimeException e) {
            last = e;
            Thread.sleep(200L * attempt);
          }
        }
        return state.metadata().entityKey() + ": " + last.getMessage();
      }));
    }
    List<String> failures = new ArrayList<>();
    for (Future<String> result : results) {
      try {
        String failure = result.get();
        if (failure != null) {
          failures.add(failure);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add("interrupted");
      } catch (ExecutionException e) {
        failures.add(String.valueOf(e.getCause()));
      }
    }
    if (!failures.isEmpty()) {
      out.println("stopping: " + failures.size() + " state(s) could not be published, e.g. " + failures.get(0)
          + "; run the same command again to resume from the last checkpoint");
      return false;
    }
    return true;
  }

  private void progress(Counts counts, Instant start, String where) {
    double seconds = Math.max(0.001, Duration.between(start, clock.instant()).toMillis() / 1000.0);
    out.printf("  %s: %,d row(s), %,d state(s), %,d rejected, %,d unrecognized (%.0f rows/s)%n", where, counts.rows,
        counts.states, counts.rejected, counts.unrecognized, counts.rows / seconds);
  }

  private static final class Counts {
    long rows;
    long states;
    long rejected;
    long unrecognized;
    final List<String> rejections = new ArrayList<>();

    void reject(String reason) {
      rejected++;
      if (rejections.size() < 20) {
        rejections.add(reason);
      }
    }
  }
}
