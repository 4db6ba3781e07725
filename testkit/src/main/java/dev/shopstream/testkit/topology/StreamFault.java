package dev.shopstream.testkit.topology;

/** What the proxy can make DynamoDB Streams answer, and what it counts. */
public enum StreamFault {
  /**
   * GetRecords on an iterator issued before {@link StreamTopologyProxy#expireIterators()}: ExpiredIteratorException.
   */
  EXPIRED_ITERATOR("ExpiredIteratorException", "Iterator expired. The iterator was created over 15 minutes ago."),
  /** GetRecords refused: LimitExceededException (DynamoDB Streams' throttling error; the SDK retries it). */
  THROTTLED("LimitExceededException", "Too many requests for this shard (injected)."),
  /** GetShardIterator or GetRecords at a position past the trim horizon: TrimmedDataAccessException. */
  TRIMMED("TrimmedDataAccessException", "The operation attempted to read past the oldest stream record in a shard."),
  /** GetRecords answered with no records and the same position, although records are there. */
  EMPTY_POLL(null, null),
  /** GetRecords answered with no next iterator: the shard is closed and fully read. */
  SHARD_END(null, null);

  private final String errorType;
  private final String message;

  StreamFault(String errorType, String message) {
    this.errorType = errorType;
    this.message = message;
  }

  String errorType() {
    return errorType;
  }

  String message() {
    return message;
  }
}
