package dev.shopstream.contracts;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A product ({@code PRODUCT#id / META}) as it is now.
 *
 * @param state null when the product was deleted
 */
public record ProductState(EventMetadata metadata, String productId, StateVersion version, Product state)
    implements EntityState {

  /** Each field null when the item has no such attribute; stock may be negative (a backorder). */
  public record Product(String name, BigDecimal price, Long stock) {}

  public ProductState {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(productId, "productId");
    Objects.requireNonNull(version, "version");
  }

  @Override
  public EventType type() {
    return EventType.PRODUCT_STATE;
  }
}
