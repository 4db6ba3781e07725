package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EntityState;
import java.util.List;

/**
 * Turns changes of one entity type of the table into events. To support a new entity type,
 * write a rule and add it to {@link ImageDiffer#standardRules}.
 */
interface EntityRule {

  /** Name of the entity, for logs and metrics ("order", "product"). */
  String entity();

  /** Whether this rule owns items with this key. At most one rule may match a key. */
  boolean matches(EntityKey key);

  /** Zero or more events; a malformed known item throws with a reason. */
  List<DomainEvent> derive(DiffContext context) throws MalformedItemException;

  /**
   * The item's public state: from {@code item} (the new image of a change, or a snapshot row), or its
   * deletion when {@code item} is null. Every attribute the state carries is checked as an insert's
   * is: a malformed one throws with a reason, so a change that breaks the model is rejected whatever its kind.
   */
  EntityState state(EntityKey key, ItemImage item, StateStamp stamp) throws MalformedItemException;
}
