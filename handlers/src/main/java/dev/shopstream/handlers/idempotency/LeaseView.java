package dev.shopstream.handlers.idempotency;

import dev.shopstream.contracts.EventSource;

/**
 * Which shard leases this worker holds now, as far as a handler needs to know: the claim of an effect
 * records the lease of its record, and the worker that holds that lease later may take over a previous
 * holder's claim at once instead of waiting for it to go stale. Implemented by the pipeline from its
 * shard processors' state; handlers never see KCL.
 */
public interface LeaseView {

  /** Holds no lease (a redrive from the command line, a test): claims are taken over only when stale. */
  LeaseView NONE = source -> null;

  /** @return an identifier of the lease of {@code source}'s shard if this worker holds it now, else null */
  String heldLease(EventSource source);
}
