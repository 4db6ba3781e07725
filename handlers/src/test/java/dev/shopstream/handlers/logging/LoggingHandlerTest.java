package dev.shopstream.handlers.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EventMetadata;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.UserRegistered;
import dev.shopstream.handlers.HandlerResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoggingHandlerTest {

  @Test
  void writesOneLineWithTypeKeyAndSummaryButNoContactDetails() {
    List<String> lines = new ArrayList<>();
    LoggingHandler handler = new LoggingHandler(lines::add);
    var meta = new EventMetadata("e1", new EntityKey("USER#7", "PROFILE"), Instant.EPOCH,
        new EventSource("shop", "shard-1", "1"));

    HandlerResult result = handler.handle(new UserRegistered(meta, "7", "ada@example.com", "Ada"));

    assertThat(result).isInstanceOf(HandlerResult.Done.class);
    assertThat(lines).singleElement().satisfies(line -> {
      assertThat(line).startsWith("user-registered").contains("USER#7 / PROFILE").contains("user 7 registered");
      assertThat(line).doesNotContain("ada@example.com");
    });
    assertThat(handler.eventTypes()).isEqualTo(EventType.domainEvents()).doesNotContain(EventType.ORDER_STATE);
  }
}
