package dev.shopstream.pipeline.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * How far a snapshot of one export got: lines done per data file, in an S3 object next to the export
 * ({@code <export folder>/shop-stream-snapshot-<topic>.json}). In S3 because the command runs as a one-off
 * task whose disk goes with it; next to the export because it is only meaningful for that export.
 * A line counts as done only once its state was published (or it was rejected), so a resumed run repeats
 * at most the lines after the last save, which the consumer drops by event id or version.
 */
public final class SnapshotCheckpoint {
  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final ObjectMapper json = new ObjectMapper();

  public SnapshotCheckpoint(S3Client s3, String bucket, String key) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
  }

  public String location() {
    return "s3://" + bucket + "/" + key;
  }

  /** Lines done per data file, and which files are done to their end. */
  public record Progress(Map<String, Long> linesDone, Set<String> filesDone) {
    public static Progress none() {
      return new Progress(new LinkedHashMap<>(), new LinkedHashSet<>());
    }

    public long lines() {
      return linesDone.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** What was done; nothing when there is no checkpoint. */
  public Progress load(String exportId) {
    JsonNode node;
    try {
      node = json.readTree(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String());
    } catch (NoSuchKeyException e) {
      return Progress.none();
    } catch (IOException e) {
      throw new SnapshotInputException("the checkpoint " + location() + " is not JSON: delete it to start over");
    }
    if (!exportId.equals(node.path("exportId").asText())) {
      throw new SnapshotInputException("the checkpoint " + location() + " belongs to export '"
          + node.path("exportId").asText() + "', not " + exportId + ": delete it to start over");
    }
    Progress done = Progress.none();
    node.path("linesDone").properties().forEach(e -> done.linesDone().put(e.getKey(), e.getValue().asLong()));
    node.path("filesDone").forEach(file -> done.filesDone().add(file.asText()));
    return done;
  }

  public void save(String exportId, Progress progress, boolean complete) {
    ObjectNode node = json.createObjectNode().put("exportId", exportId).put("complete", complete);
    ObjectNode lines = node.putObject("linesDone");
    progress.linesDone().forEach(lines::put);
    var files = node.putArray("filesDone");
    progress.filesDone().forEach(files::add);
    s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/json"),
        RequestBody.fromString(node.toString()));
  }

  public void delete() {
    s3.deleteObject(r -> r.bucket(bucket).key(key));
  }
}
