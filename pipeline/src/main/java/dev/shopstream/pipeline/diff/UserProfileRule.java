package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.TableModel;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EntityState;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.UserProfileState;
import dev.shopstream.contracts.FieldChange;
import dev.shopstream.contracts.UserProfileChanged;
import dev.shopstream.contracts.UserRegistered;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@code USER#id / PROFILE}: INSERT -> UserRegistered, MODIFY -> UserProfileChanged (changed fields). */
final class UserProfileRule implements EntityRule {
  /** Bookkeeping attributes whose change alone is not a profile change. */
  static final Set<String> NOT_PROFILE_FIELDS =
      Set.of(TableModel.PARTITION_KEY, TableModel.SORT_KEY, "updatedAt", "version");

  @Override
  public String entity() {
    return "user-profile";
  }

  @Override
  public boolean matches(EntityKey key) {
    return key.partitionKey().startsWith(TableModel.USER_PREFIX) && key.sortKey().equals(TableModel.PROFILE_SK);
  }

  @Override
  public List<DomainEvent> derive(DiffContext context) throws MalformedItemException {
    String userId = DiffContext.idAfter(TableModel.USER_PREFIX, context.key().partitionKey());
    return switch (context.kind()) {
      case INSERT -> {
        ItemImage item = context.requiredNewImage();
        yield List.of(new UserRegistered(context.metadata(EventType.USER_REGISTERED), userId,
            item.string("email").orElse(null), item.string("name").orElse(null)));
      }
      case MODIFY -> {
        Map<String, FieldChange> changes = changedFields(context.requiredOldImage(), context.requiredNewImage());
        yield changes.isEmpty() ? List.of()
            : List.of(new UserProfileChanged(context.metadata(EventType.USER_PROFILE_CHANGED), userId, changes));
      }
      case REMOVE -> List.of();
    };
  }

  @Override
  public EntityState state(EntityKey key, ItemImage item, StateStamp stamp) throws MalformedItemException {
    String userId = DiffContext.idAfter(TableModel.USER_PREFIX, key.partitionKey());
    UserProfileState.Profile profile = null;
    if (item != null) {
      Set<String> fields = new TreeSet<>(item.attributes().keySet());
      fields.removeAll(NOT_PROFILE_FIELDS);
      fields.remove("email");
      profile = new UserProfileState.Profile(item.string("email").orElse(null), List.copyOf(fields));
    }
    return new UserProfileState(stamp.metadataOf(EventType.USER_PROFILE_STATE), userId, stamp.version(), profile);
  }

  private static Map<String, FieldChange> changedFields(ItemImage before, ItemImage after) {
    Set<String> names = new TreeSet<>(before.attributes().keySet());
    names.addAll(after.attributes().keySet());
    names.removeAll(NOT_PROFILE_FIELDS);
    Map<String, FieldChange> changes = new LinkedHashMap<>();
    for (String name : names) {
      AttributeValue old = before.raw(name).orElse(null);
      AttributeValue now = after.raw(name).orElse(null);
      if (!sameValue(old, now)) {
        changes.put(name, new FieldChange(AttributeValues.toPlain(old), AttributeValues.toPlain(now)));
      }
    }
    return changes;
  }

  /** Equal, with numbers compared by value ("1.0" is "1"). */
  static boolean sameValue(AttributeValue a, AttributeValue b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.type() == AttributeValue.Type.N && b.type() == AttributeValue.Type.N) {
      try {
        return new BigDecimal(a.n()).compareTo(new BigDecimal(b.n())) == 0;
      } catch (NumberFormatException e) {
        return a.n().equals(b.n());
      }
    }
    return a.equals(b);
  }
}
