package dev.shopstream.testkit.topology;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every record of the one real moto shard, in stream order, as moto returned it, with its sequence
 * number and the hash of its partition key: what the virtual shards are cut from. Appended by one
 * tail, read by many; guarded by its own monitor.
 */
final class StreamRecordLog {
  /** Hash keys run over [0, HASH_SPACE), as partitions of a table split it. */
  static final long HASH_SPACE = 1L << 32;

  record Entry(BigInteger sequence, long hash, JsonNode record) {}

  private final List<Entry> entries = new ArrayList<>();
  private final String partitionKey;

  StreamRecordLog(String partitionKey) {
    this.partitionKey = partitionKey;
  }

  synchronized void append(JsonNode record) {
    BigInteger sequence = new BigInteger(record.path("dynamodb").path("SequenceNumber").asText());
    JsonNode key = record.path("dynamodb").path("Keys").path(partitionKey);
    String value = key.isMissingNode() ? "" : key.fields().hasNext() ? key.fields().next().getValue().asText() : "";
    entries.add(new Entry(sequence, hash(value), record));
  }

  /** The last sequence number read from moto, or null if none. */
  synchronized BigInteger last() {
    return entries.isEmpty() ? null : entries.get(entries.size() - 1).sequence();
  }

  synchronized int size() {
    return entries.size();
  }

  /**
   * Up to {@code limit} entries with sequence above {@code after} (null: from the start) and at most
   * {@code through} (null: no end) whose hash is in [lo, hi). Returns them and how far the scan got:
   * the last sequence number looked at, matching or not.
   */
  synchronized Scan scan(BigInteger after, BigInteger through, long lo, long hi, int limit) {
    int index = firstAbove(after);
    List<Entry> found = new ArrayList<>();
    BigInteger scannedTo = after;
    for (; index < entries.size() && found.size() < limit; index++) {
      Entry entry = entries.get(index);
      if (through != null && entry.sequence().compareTo(through) > 0) {
        scannedTo = through;
        break;
      }
      scannedTo = entry.sequence();
      if (entry.hash() >= lo && entry.hash() < hi) {
        found.add(entry);
      }
    }
    return new Scan(found, scannedTo);
  }

  record Scan(List<Entry> entries, BigInteger scannedTo) {}

  private int firstAbove(BigInteger after) {
    if (after == null) {
      return 0;
    }
    int lo = 0;
    int hi = entries.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (entries.get(mid).sequence().compareTo(after) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The hash of a partition key value in [0, 2^32): the first four bytes of its MD5, as DynamoDB and Kinesis use MD5.
   */
  static long hash(String partitionKeyValue) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(partitionKeyValue.getBytes(StandardCharsets.UTF_8));
      return ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8)
          | (digest[3] & 0xFFL);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
