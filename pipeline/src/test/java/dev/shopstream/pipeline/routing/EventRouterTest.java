package dev.shopstream.pipeline.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EventMetadata;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.SessionEnded;
import dev.shopstream.contracts.UserRegistered;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventRouterTest {
  private static final EventMetadata META = new EventMetadata("id", new EntityKey("USER#1", "PROFILE"), Instant.EPOCH,
      new EventSource("shop", "s", "1"));

  record Subscriber(String name, Set<EventType> eventTypes) implements EventHandler {
    @Override
    public HandlerResult handle(DomainEvent event) {
      return HandlerResult.done("ok");
    }
  }

  @Test
  void routesEachEventToTheHandlersSubscribedToItsTypeInOrder() {
    Subscriber all = new Subscriber("all", EnumSet.allOf(EventType.class));
    Subscriber users = new Subscriber("users", Set.of(EventType.USER_REGISTERED));
    EventRouter router = new EventRouter(List.of(users, all));

    assertThat(router.route(new UserRegistered(META, "1", null, null))).containsExactly(users, all);
    assertThat(router.route(new SessionEnded(META, "s", "1"))).containsExactly(all);
  }

  @Test
  void anEventNobodyWantsRoutesNowhere() {
    EventRouter router = new EventRouter(List.of(new Subscriber("users", Set.of(EventType.USER_REGISTERED))));
    assertThat(router.route(new SessionEnded(META, "s", "1"))).isEmpty();
  }

  @Test
  void handlerNamesMustBeUnique() {
    assertThatThrownBy(() -> new EventRouter(List.of(new Subscriber("x", Set.of()), new Subscriber("x", Set.of()))))
        .hasMessageContaining("'x'");
  }
}
