package dev.shopstream.pipeline.snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A finished table export as the snapshot reads it.
 *
 * @param exportId names the export in event ids and the checkpoint (the last part of its ARN, or its S3 folder)
 * @param exportTime the second the export is "as of": the version of every row (an incremental export: its end)
 * @param itemCount items in the export as DynamoDB counted them; null when unknown
 * @param dataFiles S3 keys of its data files ({@code .json.gz}, lines {@code {"Item": {...}}}), in reading order
 * @param checkpointKey S3 key (same bucket) of the snapshot's checkpoint for this export
 * @param incrementalFrom the start of an incremental export's window (lines {@code {"Keys", "NewImage", "OldImage"}}
 *     of the items changed in it); null for a full export
 */
public record ExportLocation(String bucket, String exportId, Instant exportTime, Long itemCount, List<String> dataFiles,
    String checkpointKey, Instant incrementalFrom) {
  public ExportLocation {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(exportId, "exportId");
    Objects.requireNonNull(exportTime, "exportTime");
    dataFiles = List.copyOf(dataFiles);
    Objects.requireNonNull(checkpointKey, "checkpointKey");
  }

  public boolean incremental() {
    return incrementalFrom != null;
  }
}
