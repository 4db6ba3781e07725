package dev.shopstream.pipeline.stream;

/** DynamoDB Streams' eventName. */
public enum ChangeKind {
  INSERT,
  MODIFY,
  REMOVE
}
