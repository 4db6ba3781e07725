package dev.shopstream.pipeline.processing;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** What one record's handling has achieved so far, across its attempts. */
final class RecordAttempt {
  /** "eventId/handler" pairs done (or dead-lettered): not repeated on the next attempt. */
  final Set<String> completed = new HashSet<>();
  int attempts;
  Instant firstFailureAt;
  Instant lastFailureAt;

  void failed(Instant at) {
    if (firstFailureAt == null) {
      firstFailureAt = at;
    }
    lastFailureAt = at;
  }

  static String key(String eventId, String handler) {
    return eventId + "/" + handler;
  }
}
