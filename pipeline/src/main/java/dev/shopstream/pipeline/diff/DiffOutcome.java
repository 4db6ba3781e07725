package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.DomainEvent;
import java.util.List;
import java.util.Objects;

/** What the differ made of one stream record. */
public sealed interface DiffOutcome {

  /** A known entity: zero or more events (zero for a change nothing cares about, e.g. a price edit). */
  record Derived(String entity, List<DomainEvent> events) implements DiffOutcome {
    public Derived {
      Objects.requireNonNull(entity, "entity");
      events = List.copyOf(events);
    }
  }

  /** An item of a shape the table model does not know (counted and skipped, by design). */
  record Unrecognized(String shape) implements DiffOutcome {
    public Unrecognized {
      Objects.requireNonNull(shape, "shape");
    }
  }

  /** A record that cannot be turned into events; {@code reason} says why, for the dead-letter queue. */
  record Rejected(String reason) implements DiffOutcome {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
