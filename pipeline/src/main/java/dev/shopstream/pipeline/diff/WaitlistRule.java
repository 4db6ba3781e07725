package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.TableModel;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.WaitlistJoined;
import dev.shopstream.pipeline.stream.ChangeKind;
import java.util.List;

/**
 * {@code PRODUCT#id / WAITLIST#userId}: INSERT -> WaitlistJoined. MODIFY (e.g. the waitlist handler
 * marking an entry notified) and REMOVE -> nothing, so our own write-backs never notify again.
 */
final class WaitlistRule implements EntityRule {

  @Override
  public String entity() {
    return "waitlist-entry";
  }

  @Override
  public boolean matches(EntityKey key) {
    return key.partitionKey().startsWith(TableModel.PRODUCT_PREFIX) && key.sortKey().startsWith(TableModel.WAITLIST_SK_PREFIX);
  }

  @Override
  public List<DomainEvent> derive(DiffContext context) throws MalformedItemException {
    String productId = DiffContext.idAfter(TableModel.PRODUCT_PREFIX, context.key().partitionKey());
    String userId = DiffContext.idAfter(TableModel.WAITLIST_SK_PREFIX, context.key().sortKey());
    if (context.kind() != ChangeKind.INSERT) {
      return List.of();
    }
    ItemImage entry = context.requiredNewImage();
    String channel;
    if (entry.string("email").isPresent()) {
      channel = "email";
    } else if (entry.string("phone").isPresent()) {
      channel = "sms";
    } else {
      throw new MalformedItemException("new image: a waitlist entry needs an 'email' or a 'phone' attribute");
    }
    return List.of(new WaitlistJoined(context.metadata(EventType.WAITLIST_JOINED), productId, userId, channel));
  }
}
