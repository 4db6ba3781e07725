package dev.shopstream.pipeline.fleet;

import java.time.Instant;

/**
 * One item of KCL's lease table, as the fleet view reads it: KCL's attributes and what the holder
 * reported into it ({@link LeaseReports}).
 *
 * @param owner null when nobody owns it
 * @param counter KCL's lease counter, raised by every renewal (null if absent)
 * @param reportedLagMillis the holder's lag as it reported it (null: never reported)
 * @param reportedCheckpointAt when the holder last checkpointed, as it reported it
 * @param reportedAt when the holder reported
 * @param reportedBy which worker reported (a report of an earlier owner is not the current owner's)
 */
record Lease(String shardId, String owner, Long counter, String checkpoint, Long reportedLagMillis,
    Instant reportedCheckpointAt, Instant reportedAt, String reportedBy) {}
