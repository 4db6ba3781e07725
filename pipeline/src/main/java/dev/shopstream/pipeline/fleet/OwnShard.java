package dev.shopstream.pipeline.fleet;

import java.time.Duration;
import java.time.Instant;

/**
 * What the reading worker knows of a shard it processes now.
 *
 * @param lag the age of its oldest unhandled record (or as near as the worker knows)
 * @param lastCheckpointAt when it last checkpointed the shard (or took it, before a first checkpoint)
 */
public record OwnShard(String shardId, Duration lag, Instant lastCheckpointAt) {}
