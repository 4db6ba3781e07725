package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.TableModel;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EntityState;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.SessionState;
import dev.shopstream.contracts.SessionEnded;
import dev.shopstream.contracts.SessionExpired;
import dev.shopstream.pipeline.stream.ChangeKind;
import java.time.Instant;
import java.util.List;

/**
 * {@code SESSION#id / SESSION}: a REMOVE by DynamoDB's TTL process -> SessionExpired; a REMOVE by
 * the application (a logout) -> SessionEnded. INSERT and MODIFY -> nothing.
 */
final class SessionRule implements EntityRule {

  @Override
  public String entity() {
    return "session";
  }

  @Override
  public boolean matches(EntityKey key) {
    return key.partitionKey().startsWith(TableModel.SESSION_PREFIX) && key.sortKey().equals(TableModel.SESSION_SK);
  }

  @Override
  public List<DomainEvent> derive(DiffContext context) throws MalformedItemException {
    String sessionId = DiffContext.idAfter(TableModel.SESSION_PREFIX, context.key().partitionKey());
    if (context.kind() != ChangeKind.REMOVE) {
      return List.of();
    }
    ItemImage before = context.requiredOldImage();
    String userId = before.string("userId").orElse(null);
    if (context.change().isTtlDelete()) {
      Instant expiresAt = before.count(TableModel.TTL_ATTRIBUTE).map(Instant::ofEpochSecond).orElse(null);
      return List.of(new SessionExpired(context.metadata(EventType.SESSION_EXPIRED), sessionId, userId, expiresAt));
    }
    return List.of(new SessionEnded(context.metadata(EventType.SESSION_ENDED), sessionId, userId));
  }

  @Override
  public EntityState state(EntityKey key, ItemImage item, StateStamp stamp) throws MalformedItemException {
    String sessionId = DiffContext.idAfter(TableModel.SESSION_PREFIX, key.partitionKey());
    SessionState.Session session = item == null ? null : new SessionState.Session(item.string("userId").orElse(null),
        item.count(TableModel.TTL_ATTRIBUTE).map(Instant::ofEpochSecond).orElse(null));
    return new SessionState(stamp.metadataOf(EventType.SESSION_STATE), sessionId, stamp.version(), session);
  }
}
