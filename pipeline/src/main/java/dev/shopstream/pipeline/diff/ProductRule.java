package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.TableModel;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EntityState;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.ProductState;
import dev.shopstream.contracts.ProductBackInStock;
import dev.shopstream.contracts.ProductStockChanged;
import dev.shopstream.pipeline.stream.ChangeKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code PRODUCT#id / META}: a changed {@code stock} -> ProductStockChanged; stock from 0 or below
 * (a backorder) or absent to more than 0 -> also ProductBackInStock. Other attribute changes, and
 * REMOVE -> nothing. A negative stock is valid (sold ahead of supply), not malformed.
 */
final class ProductRule implements EntityRule {

  @Override
  public String entity() {
    return "product";
  }

  @Override
  public boolean matches(EntityKey key) {
    return key.partitionKey().startsWith(TableModel.PRODUCT_PREFIX) && key.sortKey().equals(TableModel.META_SK);
  }

  @Override
  public List<DomainEvent> derive(DiffContext context) throws MalformedItemException {
    String productId = DiffContext.idAfter(TableModel.PRODUCT_PREFIX, context.key().partitionKey());
    if (context.kind() == ChangeKind.REMOVE) {
      return List.of();
    }
    ItemImage after = context.requiredNewImage();
    Optional<Long> newStock = after.wholeNumber("stock");
    Long oldStock = context.kind() == ChangeKind.MODIFY
        ? context.requiredOldImage().wholeNumber("stock").orElse(null)
        : null;
    if (newStock.isEmpty() || Objects.equals(oldStock, newStock.get())) {
      return List.of();
    }
    long stock = newStock.get();
    List<DomainEvent> events = new ArrayList<>(2);
    events.add(new ProductStockChanged(context.metadata(EventType.PRODUCT_STOCK_CHANGED), productId, oldStock, stock));
    if ((oldStock == null || oldStock <= 0) && stock > 0) {
      events.add(new ProductBackInStock(context.metadata(EventType.PRODUCT_BACK_IN_STOCK), productId,
          after.string("name").orElse(null), oldStock, stock));
    }
    return events;
  }

  @Override
  public EntityState state(EntityKey key, ItemImage item, StateStamp stamp) throws MalformedItemException {
    String productId = DiffContext.idAfter(TableModel.PRODUCT_PREFIX, key.partitionKey());
    ProductState.Product product = item == null ? null : new ProductState.Product(item.string("name").orElse(null),
        item.number("price").orElse(null), item.wholeNumber("stock").orElse(null));
    return new ProductState(stamp.metadataOf(EventType.PRODUCT_STATE), productId, stamp.version(), product);
  }
}
