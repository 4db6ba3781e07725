package dev.shopstream.contracts;

import java.util.Objects;

/**
 * A product's stock went from 0 or below (a backorder) or absent to more than 0: waitlisted
 * customers can buy again.
 *
 * @param previousStock 0 or negative, or null when the stock attribute was absent
 * @param productName the product's display name, null if the item has none
 */
public record ProductBackInStock(
    EventMetadata metadata, String productId, String productName, Long previousStock, long newStock)
    implements DomainEvent {

  public ProductBackInStock {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(productId, "productId");
    if (newStock <= 0) {
      throw new IllegalArgumentException("back in stock needs a positive stock, was " + newStock);
    }
    if (previousStock != null && previousStock > 0) {
      throw new IllegalArgumentException("back in stock needs a previous stock of 0 or below, was " + previousStock);
    }
  }

  @Override
  public EventType type() {
    return EventType.PRODUCT_BACK_IN_STOCK;
  }

  @Override
  public String summary() {
    return "product " + productId + " back in stock (" + newStock + " available)";
  }
}
