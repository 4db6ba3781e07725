package dev.shopstream.contracts;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of an entity state: one total order over every state of an item, whether it came from a
 * table export (a snapshot row) or from the stream (a change), so a consumer can upsert last-writer-wins.
 *
 * <p>Order: by whole second first ({@link #epochSecond}: the export time for a snapshot row, DynamoDB's
 * approximate creation time for a change), then by origin (a snapshot row before a stream change of
 * the same second), then by the stream sequence number (as a number; 0 for snapshot rows). The wire form
 * ({@link #toString}) is fixed-width, so comparing two versions as strings gives the same order:
 * {@code 001764000000.1.0000000000000000000000000000000000000009} (12 digits of seconds, origin 0
 * snapshot / 1 stream, 40 digits of sequence number).
 *
 * <p>Why a change in the export's own second wins over the snapshot row: an export is the table "as of"
 * one second, and DynamoDB Streams stamps changes to the second only, so a change in that second may or
 * may not be in the export. Letting the change win is always safe: the stream delivers every later
 * change of the item too, each with a higher version. A change of an earlier second is in the export
 * already, so either winning gives the same final state. See docs/analytics-contract.md.
 */
public record StateVersion(long epochSecond, Origin origin, String sequenceNumber) implements Comparable<StateVersion> {
  /** Digits of the sequence number in the wire form (DynamoDB Streams' sequence numbers have 21 to 40). */
  public static final int SEQUENCE_DIGITS = 40;
  /** The wire form, also the pattern of the schemas' {@code version} field. */
  public static final String PATTERN = "^[0-9]{12}\\.[01]\\.[0-9]{40}$";
  private static final Pattern WIRE = Pattern.compile("([0-9]{12})\\.([01])\\.([0-9]{40})");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,40}");
  private static final long MAX_SECONDS = 999_999_999_999L;

  /** Where a state came from; the ordinal is the wire digit, and the order within one second. */
  public enum Origin {
    SNAPSHOT,
    STREAM
  }

  public StateVersion {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    if (epochSecond < 0 || epochSecond > MAX_SECONDS) {
      throw new IllegalArgumentException("a state version's time must be between 1970 and year 33658, was "
          + epochSecond);
    }
    if (!DIGITS.matcher(sequenceNumber).matches()) {
      throw new IllegalArgumentException("a stream sequence number must be 1 to 40 digits, was '"
          + sequenceNumber + "'");
    }
    sequenceNumber = pad(sequenceNumber.replaceFirst("^0+(?=.)", ""));
  }

  /** A snapshot row of an export taken at {@code exportTime} (the second it names). */
  public static StateVersion ofSnapshot(Instant exportTime) {
    return new StateVersion(exportTime.getEpochSecond(), Origin.SNAPSHOT, "0");
  }

  /** A stream change written at {@code writtenAt} (DynamoDB's approximate creation time) with this sequence number. */
  public static StateVersion ofStream(Instant writtenAt, String sequenceNumber) {
    return new StateVersion(writtenAt.getEpochSecond(), Origin.STREAM, sequenceNumber);
  }

  /** @throws IllegalArgumentException when {@code wire} is not a version's wire form */
  public static StateVersion parse(String wire) {
    Matcher m = WIRE.matcher(Objects.requireNonNull(wire, "wire"));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a state version (expected " + PATTERN + "): '" + wire + "'");
    }
    return new StateVersion(Long.parseLong(m.group(1)), Origin.values()[Integer.parseInt(m.group(2))], m.group(3));
  }

  @Override
  public int compareTo(StateVersion other) {
    return toString().compareTo(other.toString());
  }

  public boolean isNewerThan(StateVersion other) {
    return compareTo(other) > 0;
  }

  @Override
  public String toString() {
    return String.format("%012d.%d.%s", epochSecond, origin.ordinal(), sequenceNumber);
  }

  private static String pad(String digits) {
    return "0".repeat(SEQUENCE_DIGITS - digits.length()) + digits;
  }
}
