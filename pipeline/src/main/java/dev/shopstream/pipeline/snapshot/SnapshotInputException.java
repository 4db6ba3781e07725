package dev.shopstream.pipeline.snapshot;

/** An export that cannot be used as given (missing, failed, ambiguous, too old): one line says what to do. */
public final class SnapshotInputException extends RuntimeException {
  public SnapshotInputException(String message) {
    super(message);
  }
}
