package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.TableModel;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EntityState;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.WaitlistEntryState;
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
    return key.partitionKey().startsWith(TableModel.PRODUCT_PREFIX)
        && key.sortKey().startsWith(TableModel.WAITLIST_SK_PREFIX);
  }

  @Override
  public List<DomainEvent> derive(DiffContext context) throws MalformedItemException {
    String productId = DiffContext.idAfter(TableModel.PRODUCT_PREFIX, context.key().partitionKey());
    String userId = DiffContext.idAfter(TableModel.WAITLIST_SK_PREFIX, context.key().sortKey());
    if (context.kind() != ChangeKind.INSERT) {
      return List.of();
    }
    String channel = channel(context.requiredNewImage());
    return List.of(new WaitlistJoined(context.metadata(EventType.WAITLIST_JOINED), productId, userId, channel));
  }

  @Override
  public EntityState state(EntityKey key, ItemImage item, StateStamp stamp) throws MalformedItemException {
    String productId = DiffContext.idAfter(TableModel.PRODUCT_PREFIX, key.partitionKey());
    String userId = DiffContext.idAfter(TableModel.WAITLIST_SK_PREFIX, key.sortKey());
    WaitlistEntryState.Entry entry = item == null ? null
        : new WaitlistEntryState.Entry(channel(item), item.string("notifiedAt").orElse(null));
    return new WaitlistEntryState(stamp.metadataOf(EventType.WAITLIST_ENTRY_STATE), productId, userId,
        stamp.version(), entry);
  }

  private static String channel(ItemImage entry) throws MalformedItemException {
    if (entry.string("email").isPresent()) {
      return "email";
    } else if (entry.string("phone").isPresent()) {
      return "sms";
    }
    throw new MalformedItemException("new image: a waitlist entry needs an 'email' or a 'phone' attribute");
  }
}
