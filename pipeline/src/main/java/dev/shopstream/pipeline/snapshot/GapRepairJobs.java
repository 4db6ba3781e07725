package dev.shopstream.pipeline.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The gap repairs still to do, one S3 object each under {@code <prefix>/pending/}: in S3, not in the worker,
 * so a repair found by a worker that stops before it is done is left for the next one. A repair is written
 * when the gap is found and deleted only once every state of its window was published.
 */
public final class GapRepairJobs {
  /** One shard's gap: its changes from {@code from} on may be missing from the sink. */
  public record Job(String key, String shardId, Instant from, Instant foundAt, String claimedBy, Instant claimedAt) {}

  private final S3Client s3;
  private final String bucket;
  private final String pending;
  private final ObjectMapper json = new ObjectMapper();

  /** @param prefix this application's folder in the bucket (without a trailing slash) */
  public GapRepairJobs(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.pending = prefix + "/pending/";
  }

  public String location() {
    return "s3://" + bucket + "/" + pending;
  }

  public Job add(String shardId, Instant from, Instant foundAt) {
    Job job = new Job(pending + from.getEpochSecond() + "-" + shardId + ".json", shardId, from, foundAt, null, null);
    write(job);
    return job;
  }

  /** Every repair not done yet, oldest gap first. */
  public List<Job> pending() {
    List<Job> jobs = new ArrayList<>();
    for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(pending)).contents()) {
      try {
        JsonNode node = json.readTree(s3.getObjectAsBytes(r -> r.bucket(bucket).key(object.key())).asUtf8String());
        jobs.add(new Job(object.key(), node.path("shardId").asText(), Instant.parse(node.path("from").asText()),
            Instant.parse(node.path("foundAt").asText()),
            node.hasNonNull("claimedBy") ? node.get("claimedBy").asText() : null,
            node.hasNonNull("claimedAt") ? Instant.parse(node.get("claimedAt").asText()) : null));
      } catch (NoSuchKeyException e) {
        // done by another worker since the listing
      } catch (IOException | RuntimeException e) {
        throw new SnapshotInputException("the pending gap repair s3://" + bucket + "/" + object.key()
            + " cannot be read (" + e.getMessage() + "): repair that window by hand (docs/operations.md, Gap repair) "
            + "and delete the object");
      }
    }
    jobs.sort((a, b) -> a.from().compareTo(b.from()));
    return jobs;
  }

  public Job claim(Job job, String worker, Instant at) {
    Job claimed = new Job(job.key(), job.shardId(), job.from(), job.foundAt(), worker, at);
    write(claimed);
    return claimed;
  }

  public void done(Job job) {
    s3.deleteObject(r -> r.bucket(bucket).key(job.key()));
  }

  private void write(Job job) {
    ObjectNode node = json.createObjectNode().put("shardId", job.shardId()).put("from", job.from().toString())
        .put("foundAt", job.foundAt().toString());
    if (job.claimedBy() != null) {
      node.put("claimedBy", job.claimedBy()).put("claimedAt", job.claimedAt().toString());
    }
    try {
      s3.putObject(r -> r.bucket(bucket).key(job.key()).contentType("application/json"),
          RequestBody.fromString(json.writeValueAsString(node)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
