package dev.shopstream.pipeline.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.dynamodb.model.ExportViewType;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryUnavailableException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds a finished table export: requests a new one (ExportTableToPointInTime) and waits for it, or takes an
 * existing one by ARN or S3 URI; then lists its data files from {@code manifest-files.json}, or, where an
 * export has no manifest (moto writes none), from the S3 listing of its folder.
 *
 * <p>AWS's layout: {@code <prefix>/AWSDynamoDB/<exportId>/manifest-summary.json} (exportTime, itemCount,
 * manifestFilesS3Key), {@code manifest-files.json} (one JSON object per line with {@code dataFileS3Key}),
 * {@code data/*.json.gz}.
 */
public final class TableExports {
  private static final Pattern S3_URI = Pattern.compile("s3://([^/]+)/(.*)");
  private static final String FOLDER = "AWSDynamoDB/";
  private static final Duration POLL = Duration.ofSeconds(2);
  private static final String INCREMENTAL = "INCREMENTAL_EXPORT";

  private final DynamoDbClient dynamo;
  private final S3Client s3;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  public TableExports(DynamoDbClient dynamo, S3Client s3, Clock clock) {
    this.dynamo = dynamo;
    this.s3 = s3;
    this.clock = clock;
  }

  /**
   * Requests an export of {@code table} as of {@code exportTime} (null: now) into {@code bucket} under a
   * prefix of its own, waits for it to finish, and locates it.
   */
  public ExportLocation request(String table, String bucket, String prefix, Instant exportTime, Duration maxWait,
      String checkpointName, PrintStream out) {
    Instant asOf = (exportTime != null ? exportTime : clock.instant()).truncatedTo(ChronoUnit.SECONDS);
    String tableArn = dynamo.describeTable(r -> r.tableName(table)).table().tableArn();
    // a prefix of its own: an export without a manifest is then found by listing it
    String ownPrefix = (prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/") + table + "-"
        + asOf.getEpochSecond();
    ExportDescription started;
    try {
      started = dynamo.exportTableToPointInTime(r -> {
        r.tableArn(tableArn).s3Bucket(bucket).s3Prefix(ownPrefix).exportFormat(ExportFormat.DYNAMODB_JSON);
        if (exportTime != null) {
          r.exportTime(asOf);
        }
      }).exportDescription();
    } catch (PointInTimeRecoveryUnavailableException e) {
      throw new SnapshotInputException("point-in-time recovery is not enabled on table " + table
          + ": enable it (UpdateContinuousBackups) or pass an existing export with --export");
    }
    out.println("requested export " + started.exportArn() + " of table " + table + " as of " + asOf
        + " to s3://" + bucket + "/" + ownPrefix + "/");
    ExportDescription done = await(started.exportArn(), maxWait, out);
    out.println("  to resume this snapshot after a crash: shop-stream snapshot --export " + started.exportArn()
        + (done.exportTime() == null ? " --export-time " + asOf : ""));
    return locate(done, done.exportTime() != null ? done.exportTime() : asOf, checkpointName);
  }

  /** The table's earliest point-in-time recovery time; null when point-in-time recovery is off. */
  public Instant earliestRestorable(String table) {
    var description = dynamo.describeContinuousBackups(r -> r.tableName(table)).continuousBackupsDescription()
        .pointInTimeRecoveryDescription();
    if (description == null || !"ENABLED".equals(description.pointInTimeRecoveryStatusAsString())) {
      return null;
    }
    return description.earliestRestorableDateTime() != null ? description.earliestRestorableDateTime() : Instant.EPOCH;
  }

  /**
   * Requests an incremental export of {@code table}: every item changed in {@code [from, to)} (one line each with its
   * keys, new and old image), into {@code bucket} under a prefix of its own; waits for it and locates it. The window
   * must be one {@link GapRepairWindows} allows.
   */
  public ExportLocation requestIncremental(String table, String bucket, String prefix, Instant from, Instant to,
      Duration maxWait, String checkpointName, PrintStream out) {
    String tableArn = dynamo.describeTable(r -> r.tableName(table)).table().tableArn();
    String ownPrefix = (prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/") + table + "-incremental-"
        + from.getEpochSecond() + "-" + to.getEpochSecond();
    ExportDescription started;
    try {
      started = dynamo.exportTableToPointInTime(r -> r.tableArn(tableArn).s3Bucket(bucket).s3Prefix(ownPrefix)
          .exportFormat(ExportFormat.DYNAMODB_JSON).exportType(ExportType.INCREMENTAL_EXPORT)
          .incrementalExportSpecification(i -> i.exportFromTime(from).exportToTime(to)
              .exportViewType(ExportViewType.NEW_AND_OLD_IMAGES))).exportDescription();
    } catch (PointInTimeRecoveryUnavailableException e) {
      throw new SnapshotInputException("point-in-time recovery is not enabled on table " + table
          + ": an incremental export needs it for the whole window");
    }
    out.println("requested incremental export " + started.exportArn() + " of table " + table + ", changes from " + from
        + " to " + to + ", to s3://" + bucket + "/" + ownPrefix + "/");
    ExportDescription done = await(started.exportArn(), maxWait, out);
    out.println("  to resume this repair after a crash: shop-stream snapshot --export s3://" + bucket + "/" + ownPrefix
        + "/AWSDynamoDB/<exportId>/ (the folder under that prefix)");
    return locate(done, to, checkpointName);
  }

  /**
   * An existing export by its ARN, waited for if it is still running; {@code exportTime} stands in where its
   * description names none (moto's), and is ignored otherwise.
   */
  public ExportLocation byArn(String exportArn, Instant exportTime, Duration maxWait, String checkpointName,
      PrintStream out) {
    ExportDescription done = await(exportArn, maxWait, out);
    Instant time = done.exportTime() != null ? done.exportTime() : exportTime;
    if (time == null) {
      throw new SnapshotInputException("export " + exportArn + " names no export time: pass --export-time (the time "
          + "the snapshot that requested it printed)");
    }
    return locate(done, time, checkpointName);
  }

  /**
   * An existing export by its S3 folder {@code s3://<bucket>/<prefix>/AWSDynamoDB/<exportId>/}; its export time
   * comes from {@code manifest-summary.json}, or from {@code exportTime} where it has none.
   */
  public ExportLocation byS3Uri(String uri, Instant exportTime, String checkpointName) {
    Matcher m = S3_URI.matcher(uri);
    if (!m.matches() || !m.group(2).contains(FOLDER)) {
      throw new SnapshotInputException("--export " + uri + " is neither an export ARN nor an S3 export folder like "
          + "s3://bucket/prefix/AWSDynamoDB/01764230000000-a1b2c3d4/");
    }
    String bucket = m.group(1);
    String root = m.group(2).endsWith("/") ? m.group(2) : m.group(2) + "/";
    String exportId = root.substring(root.lastIndexOf(FOLDER) + FOLDER.length(), root.length() - 1);
    if (exportId.isEmpty() || exportId.contains("/")) {
      throw new SnapshotInputException("--export " + uri + " must name one export's folder: s3://" + bucket + "/"
          + root.substring(0, root.lastIndexOf(FOLDER) + FOLDER.length()) + "<exportId>/");
    }
    JsonNode summary = readJson(bucket, root + "manifest-summary.json");
    Instant time = exportTime;
    Instant incrementalFrom = null;
    Long itemCount = null;
    List<String> files;
    if (summary != null) {
      if (INCREMENTAL.equals(summary.path("exportType").asText())) {
        // the items as of the window's end: that is their version, whatever --export-time says
        incrementalFrom = Instant.parse(summary.path("exportFromTime").asText());
        time = Instant.parse(summary.path("exportToTime").asText());
      } else if (time == null && summary.hasNonNull("exportTime")) {
        time = Instant.parse(summary.get("exportTime").asText());
      }
      itemCount = summary.hasNonNull("itemCount") ? summary.get("itemCount").asLong() : null;
      String manifestFiles = summary.hasNonNull("manifestFilesS3Key") ? summary.get("manifestFilesS3Key").asText()
          : root + "manifest-files.json";
      files = manifestFiles(bucket, manifestFiles);
    } else {
      files = listDataFiles(bucket, root);
    }
    if (time == null) {
      throw new SnapshotInputException("export " + uri + " has no manifest-summary.json to read its export time from: "
          + "pass --export-time (the ExportTime the export was taken as of)");
    }
    return new ExportLocation(bucket, exportId, time, itemCount, files, root + checkpointName, incrementalFrom);
  }

  private ExportDescription await(String exportArn, Duration maxWait, PrintStream out) {
    Instant deadline = clock.instant().plus(maxWait);
    ExportDescription description;
    while (true) {
      try {
        description = dynamo.describeExport(r -> r.exportArn(exportArn)).exportDescription();
      } catch (SdkException e) {
        throw new SnapshotInputException("export " + exportArn + " cannot be described: " + e.getMessage());
      }
      if (description.exportStatus() == ExportStatus.COMPLETED) {
        return description;
      }
      if (description.exportStatus() == ExportStatus.FAILED) {
        throw new SnapshotInputException("export " + exportArn + " failed: " + description.failureCode() + ": "
            + description.failureMessage());
      }
      if (clock.instant().isAfter(deadline)) {
        throw new SnapshotInputException("export " + exportArn + " did not finish within " + maxWait
            + ": run the command again with --export " + exportArn + " once it has");
      }
      out.println("  export " + description.exportStatusAsString() + ", waiting");
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the export", e);
      }
    }
  }

  /** A finished export's files: from its manifest where DynamoDB wrote one, else from the listing of its prefix. */
  private ExportLocation locate(ExportDescription done, Instant exportTime, String checkpointName) {
    Instant incrementalFrom = null;
    if (done.exportType() == ExportType.INCREMENTAL_EXPORT && done.incrementalExportSpecification() != null) {
      incrementalFrom = done.incrementalExportSpecification().exportFromTime();
      if (done.incrementalExportSpecification().exportToTime() != null) {
        exportTime = done.incrementalExportSpecification().exportToTime();
      }
    }
    String bucket = done.s3Bucket();
    String exportId = done.exportArn().substring(done.exportArn().lastIndexOf('/') + 1);
    String prefix = done.s3Prefix() == null || done.s3Prefix().isEmpty() ? "" : done.s3Prefix() + "/";
    if (done.exportManifest() != null) {
      String summaryKey = done.exportManifest();
      String root = summaryKey.substring(0, summaryKey.lastIndexOf('/') + 1);
      JsonNode summary = readJson(bucket, summaryKey);
      String manifestFiles = summary != null && summary.hasNonNull("manifestFilesS3Key")
          ? summary.get("manifestFilesS3Key").asText() : root + "manifest-files.json";
      return new ExportLocation(bucket, exportId, exportTime, done.itemCount(), manifestFiles(bucket, manifestFiles),
          root + checkpointName, incrementalFrom);
    }
    // no manifest (moto): every data file under <prefix>AWSDynamoDB/, which must hold this export only
    List<String> files = listDataFiles(bucket, prefix + FOLDER);
    TreeSet<String> folders = new TreeSet<>();
    files.forEach(key -> folders.add(key.substring(0, key.indexOf("/data/") + 1)));
    if (folders.size() > 1) {
      throw new SnapshotInputException("export " + done.exportArn() + " has no manifest and s3://"
          + bucket + "/" + prefix + FOLDER + " holds several exports " + folders
          + ": pass the right folder with --export s3://" + bucket + "/<folder>");
    }
    String root = folders.isEmpty() ? prefix + FOLDER + exportId + "/" : folders.first();
    return new ExportLocation(bucket, exportId, exportTime, done.itemCount(), files, root + checkpointName,
        incrementalFrom);
  }

  private List<String> manifestFiles(String bucket, String key) {
    List<String> files = new ArrayList<>();
    try (BufferedReader lines = reader(bucket, key)) {
      if (lines == null) {
        throw new SnapshotInputException("the export's file list s3://" + bucket + "/" + key + " is missing");
      }
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.isBlank()) {
          JsonNode entry = json.readTree(line);
          if (!entry.hasNonNull("dataFileS3Key")) {
            throw new SnapshotInputException("s3://" + bucket + "/" + key + ": a line has no dataFileS3Key: " + line);
          }
          files.add(entry.get("dataFileS3Key").asText());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading s3://" + bucket + "/" + key, e);
    }
    return files;
  }

  private List<String> listDataFiles(String bucket, String prefix) {
    List<String> files = new ArrayList<>();
    for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
      if (object.key().contains("/data/") && (object.key().endsWith(".gz"))) {
        files.add(object.key());
      }
    }
    files.sort(null);
    return files;
  }

  private JsonNode readJson(String bucket, String key) {
    try {
      return json.readTree(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String());
    } catch (NoSuchKeyException e) {
      return null;
    } catch (IOException e) {
      throw new SnapshotInputException("s3://" + bucket + "/" + key + " is not JSON: " + e.getMessage());
    }
  }

  private BufferedReader reader(String bucket, String key) {
    try {
      return new BufferedReader(new InputStreamReader(s3.getObject(r -> r.bucket(bucket).key(key)),
          StandardCharsets.UTF_8));
    } catch (NoSuchKeyException e) {
      return null;
    }
  }

}
