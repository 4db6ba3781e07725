package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the differ made of one stream record. */
public sealed interface DiffOutcome {

  /**
   * A known entity: zero or more domain events (zero for a change nothing cares about, e.g. a price edit)
   * and the item's state after the change (null only where no state is derived, e.g. in tests).
   */
  record Derived(String entity, List<DomainEvent> events, EntityState state) implements DiffOutcome {
    public Derived {
      Objects.requireNonNull(entity, "entity");
      events = List.copyOf(events);
    }

    public Derived(String entity, List<DomainEvent> events) {
      this(entity, events, null);
    }

    /** What is delivered: the domain events, then the state. */
    public List<DomainEvent> delivered() {
      if (state == null) {
        return events;
      }
      List<DomainEvent> all = new ArrayList<>(events);
      all.add(state);
      return List.copyOf(all);
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
