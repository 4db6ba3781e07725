package dev.shopstream.pipeline.processing;

import dev.shopstream.pipeline.stream.StreamRecordJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each rejected record at ERROR with its reason and the whole record as JSON. */
public final class LoggingRejectionSink implements RejectionSink {
  private static final Logger LOG = LoggerFactory.getLogger(LoggingRejectionSink.class);
  private final StreamRecordJson json;

  public LoggingRejectionSink(StreamRecordJson json) {
    this.json = json;
  }

  @Override
  public void reject(Rejection rejection) {
    LOG.error("rejected stream record shard={} sequenceNumber={}: {}; record={}", rejection.source().shardId(),
        rejection.source().sequenceNumber(), rejection.reason(), json.write(rejection.record()));
  }
}
