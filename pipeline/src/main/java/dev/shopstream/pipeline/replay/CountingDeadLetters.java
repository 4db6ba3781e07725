package dev.shopstream.pipeline.replay;

import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterQueue;
import dev.shopstream.pipeline.processing.LogSafe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A replay's dead letters, counted by kind instead of parked into the live dead-letter queue (the live
 * worker parked the same records already); the first few are kept to show in the summary.
 */
public final class CountingDeadLetters implements DeadLetterQueue {
  static final int SAMPLES = 10;

  private final Map<DeadLetter.Kind, AtomicLong> counts = new ConcurrentHashMap<>();
  private final List<String> samples = new ArrayList<>();

  @Override
  public void park(DeadLetter letter) {
    counts.computeIfAbsent(letter.kind(), kind -> new AtomicLong()).incrementAndGet();
    synchronized (samples) {
      if (samples.size() < SAMPLES) {
        samples.add(letter.kind() + " seq " + letter.source().sequenceNumber()
            + (letter.handler() == null ? "" : " handler " + letter.handler() + " event " + letter.eventId()) + ": "
            + LogSafe.redact(letter.errorMessage()));
      }
    }
  }

  Map<String, Long> counts() {
    Map<String, Long> byKind = new TreeMap<>();
    counts.forEach((kind, count) -> byKind.put(kind.name(), count.get()));
    return byKind;
  }

  List<String> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }
}
