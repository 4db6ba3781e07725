package dev.shopstream.contracts;

import java.util.Objects;

/**
 * The {@code stock} of a product changed. Stock may be negative: a backorder (sold ahead of supply).
 *
 * @param previousStock null when the product had no stock attribute (or did not exist) before
 */
public record ProductStockChanged(EventMetadata metadata, String productId, Long previousStock, long newStock)
    implements DomainEvent {

  public ProductStockChanged {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(productId, "productId");
  }

  @Override
  public EventType type() {
    return EventType.PRODUCT_STOCK_CHANGED;
  }

  @Override
  public String summary() {
    return "product " + productId + " stock " + (previousStock == null ? "absent" : previousStock) + " -> " + newStock;
  }
}
