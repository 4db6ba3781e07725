package dev.shopstream.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EventMetadata;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.UserRegistered;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ForwardingEventHandlerTest {
  private static final DomainEvent EVENT = new UserRegistered(new EventMetadata("id",
      new EntityKey("USER#1", "PROFILE"), Instant.EPOCH, new EventSource("shop", "s", "1")), "1", null, null);

  record Inner(List<DomainEvent> seen) implements EventHandler {
    @Override
    public String name() {
      return "inner";
    }

    @Override
    public Set<EventType> eventTypes() {
      return Set.of(EventType.USER_REGISTERED);
    }

    @Override
    public HandlerResult handle(DomainEvent event) {
      seen.add(event);
      return HandlerResult.done("sent");
    }
  }

  @Test
  void keepsTheDelegatesNameAndTypesAndPassesEventsOn() {
    Inner inner = new Inner(new ArrayList<>());
    EventHandler forwarding = new ForwardingEventHandler(inner) { };

    assertThat(forwarding.name()).isEqualTo("inner");
    assertThat(forwarding.eventTypes()).containsExactly(EventType.USER_REGISTERED);
    assertThat(forwarding.handle(EVENT)).isEqualTo(HandlerResult.done("sent"));
    assertThat(inner.seen()).containsExactly(EVENT);
  }

  @Test
  void aSubclassOverridesOnlyWhatItChanges() {
    Inner inner = new Inner(new ArrayList<>());
    EventHandler skipping = new ForwardingEventHandler(inner) {
      @Override
      public HandlerResult handle(DomainEvent event) {
        return HandlerResult.notApplicable("skipped");
      }
    };

    assertThat(skipping.handle(EVENT)).isEqualTo(HandlerResult.notApplicable("skipped"));
    assertThat(skipping.name()).isEqualTo("inner");
    assertThat(inner.seen()).isEmpty();
  }
}
