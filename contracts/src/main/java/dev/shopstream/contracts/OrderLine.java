package dev.shopstream.contracts;

import java.math.BigDecimal;
import java.util.Objects;

/** One line of an order. */
public record OrderLine(String sku, String name, int quantity, BigDecimal unitPrice) {
  public OrderLine {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(unitPrice, "unitPrice");
    if (quantity <= 0) {
      throw new IllegalArgumentException("quantity must be positive, was " + quantity);
    }
  }

  public BigDecimal lineTotal() {
    return unitPrice.multiply(BigDecimal.valueOf(quantity));
  }
}
