package dev.shopstream.pipeline.dlq;

import dev.shopstream.contracts.EventSource;

/**
 * How many starts of the worker a stream record has halted with a JVM Error, kept where a restarted
 * worker finds it (the idempotency table): the count survives the halt it explains.
 */
@FunctionalInterface
public interface ErrorStarts {

  /** Counts one more Error while handling the record at {@code source}; @return the count including this one */
  long countOne(EventSource source, Error error);
}
