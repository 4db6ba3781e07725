package dev.shopstream.pipeline.diff;

/** A known item type whose attributes break the table model; the message says what and where. */
public final class MalformedItemException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedItemException(String reason) {
    super(reason);
  }
}
