package dev.shopstream.testkit.topology;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads moto's one real shard of the stream from its start into the {@link StreamRecordLog}, in the
 * background every {@code interval}, and on demand ({@link #catchUp}) when a position must be fixed
 * exactly (closing or trimming a shard).
 */
final class StreamTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamTail.class);

  private final StreamsApiCall moto;
  private final StreamRecordLog log;
  private final Duration interval;
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final Thread thread;
  private String iterator;

  StreamTail(StreamsApiCall moto, String streamArn, String realShardId, StreamRecordLog log, Duration interval) {
    this.moto = moto;
    this.log = log;
    this.interval = interval;
    this.iterator = moto.call("GetShardIterator", Map.of("StreamArn", streamArn, "ShardId", realShardId,
        "ShardIteratorType", "TRIM_HORIZON")).path("ShardIterator").asText();
    this.thread = new Thread(this::run, "stream-tail");
    thread.setDaemon(true);
    thread.start();
  }

  /** Reads until moto has nothing newer; returns the last sequence number in the log (null: none). */
  synchronized BigInteger catchUp() {
    while (iterator != null && pollOnce() > 0) {
      // keep reading
    }
    return log.last();
  }

  private synchronized int pollOnce() {
    JsonNode answer = moto.call("GetRecords", Map.of("ShardIterator", iterator, "Limit", 1000));
    JsonNode records = answer.path("Records");
    records.forEach(log::append);
    iterator = answer.hasNonNull("NextShardIterator") ? answer.get("NextShardIterator").asText() : null;
    return records.size();
  }

  private void run() {
    while (open.get() && iterator != null) {
      try {
        if (pollOnce() == 0) {
          Thread.sleep(interval.toMillis());
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (open.get()) {
          LOG.warn("stream tail: {}", e.getMessage());
          try {
            Thread.sleep(500);
          } catch (InterruptedException stop) {
            return;
          }
        }
      }
    }
  }

  @Override
  public void close() {
    open.set(false);
    thread.interrupt();
  }
}
