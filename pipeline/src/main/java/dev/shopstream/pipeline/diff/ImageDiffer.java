package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.TableModel;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EntityState;
import dev.shopstream.contracts.EventIds;
import dev.shopstream.contracts.EventMetadata;
import dev.shopstream.contracts.EventSource;
import dev.shopstream.contracts.StateVersion;
import dev.shopstream.pipeline.stream.ChangeKind;
import dev.shopstream.pipeline.stream.StreamChange;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Pure diff of a stream record's old and new images into domain events, by table-driven rules:
 * the first rule whose key pattern matches the item decides. No I/O; safe to share across threads.
 */
public final class ImageDiffer {
  private final List<EntityRule> rules;
  private final Clock clock;

  ImageDiffer(List<EntityRule> rules, Clock clock) {
    this.rules = List.copyOf(rules);
    this.clock = clock;
  }

  /** The differ for the shop table model; {@code clock} dates records that carry no creation time. */
  public static ImageDiffer standard(Clock clock) {
    return new ImageDiffer(standardRules(), clock);
  }

  static List<EntityRule> standardRules() {
    return List.of(new UserProfileRule(), new OrderRule(), new ProductRule(), new WaitlistRule(), new SessionRule());
  }

  public DiffOutcome diff(StreamChange change) {
    EntityKey key;
    try {
      key = keyOf(change);
    } catch (MalformedItemException e) {
      return new DiffOutcome.Rejected(e.getMessage());
    }
    for (EntityRule rule : rules) {
      if (rule.matches(key)) {
        return derive(rule, new DiffContext(change, key, clock));
      }
    }
    return new DiffOutcome.Unrecognized(shapeOf(key));
  }

  /**
   * The state of one item as a table export holds it (a snapshot row): a known item gives its state
   * (stamped with the export's time and source), a malformed one is rejected, another shape is unrecognized.
   */
  public DiffOutcome snapshotRow(Map<String, AttributeValue> item, String table, String exportId, Instant exportTime) {
    return exportedState(item, item, table, exportId, exportTime);
  }

  /**
   * The state of one item as an export holds it: a full export's row ({@code item} = its keys and attributes), or
   * an incremental export's changed item ({@code item} = its {@code NewImage}, null when it was deleted: a
   * tombstone). Stamped as a snapshot row of {@code exportTime} (for an incremental export, its end: the items are
   * as of then).
   */
  public DiffOutcome exportedState(Map<String, AttributeValue> keys, Map<String, AttributeValue> item, String table,
      String exportId, Instant exportTime) {
    EntityKey key;
    try {
      key = keyOf(new StreamChange(EventSource.ofExport(table, exportId), ChangeKind.INSERT, keys, null,
          item, null, null, exportTime));
    } catch (MalformedItemException e) {
      return new DiffOutcome.Rejected(e.getMessage());
    }
    EventSource source = EventSource.ofExport(table, exportId);
    StateStamp stamp = new StateStamp(StateVersion.ofSnapshot(exportTime),
        type -> new EventMetadata(EventIds.ofSnapshot(table, exportId, key, type), key, exportTime, source));
    for (EntityRule rule : rules) {
      if (rule.matches(key)) {
        try {
          return new DiffOutcome.Derived(rule.entity(), List.of(),
              rule.state(key, item == null ? null : new ItemImage("item", item), stamp));
        } catch (MalformedItemException e) {
          return new DiffOutcome.Rejected(rule.entity() + " " + key + ": " + e.getMessage());
        } catch (RuntimeException e) {
          return new DiffOutcome.Rejected(rule.entity() + " " + key + ": could not derive its state ("
              + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
      }
    }
    return new DiffOutcome.Unrecognized(shapeOf(key));
  }

  private static DiffOutcome derive(EntityRule rule, DiffContext context) {
    try {
      List<DomainEvent> events = rule.derive(context);
      EntityState state = rule.state(context.key(), context.stateImage(), context.stateStamp());
      return new DiffOutcome.Derived(rule.entity(), events, state);
    } catch (MalformedItemException e) {
      return new DiffOutcome.Rejected(rule.entity() + " " + context.key() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      // A value the model allows but an event constructor refuses, or a bug: never lose the record.
      return new DiffOutcome.Rejected(rule.entity() + " " + context.key() + ": could not derive events ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
  }

  private static EntityKey keyOf(StreamChange change) throws MalformedItemException {
    Map<String, AttributeValue> keys = !change.keys().isEmpty() ? change.keys()
        : change.newImage() != null ? change.newImage()
        : change.oldImage() != null ? change.oldImage() : Map.of();
    return new EntityKey(keyPart(keys, TableModel.PARTITION_KEY), keyPart(keys, TableModel.SORT_KEY));
  }

  private static String keyPart(Map<String, AttributeValue> keys, String name) throws MalformedItemException {
    AttributeValue value = keys.get(name);
    if (value == null) {
      throw new MalformedItemException("record has no key attribute '" + name + "' (the table's key must be "
          + TableModel.PARTITION_KEY + "/" + TableModel.SORT_KEY + ")");
    }
    if (value.type() != AttributeValue.Type.S || value.s().isEmpty()) {
      throw new MalformedItemException("key attribute '" + name + "' must be a non-empty string (S) but is "
          + AttributeValues.typeName(value));
    }
    return value.s();
  }

  /** "USER#/CART" for {@code USER#42 / CART#7}: the prefixes, without ids, for counting. */
  static String shapeOf(EntityKey key) {
    return prefix(key.partitionKey()) + "/" + prefix(key.sortKey());
  }

  private static String prefix(String keyPart) {
    int hash = keyPart.indexOf('#');
    String prefix = hash < 0 ? keyPart : keyPart.substring(0, hash + 1);
    return ItemImage.abbreviate(prefix);
  }
}
