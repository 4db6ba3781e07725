package dev.shopstream.pipeline.diff;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Typed, checked reads of one item image. An absent attribute (or an explicit NULL) reads as
 * empty; an attribute of the wrong type is a {@link MalformedItemException} naming it.
 */
final class ItemImage {
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final String label;
  private final Map<String, AttributeValue> attributes;

  /** @param label "old image" / "new image", used in error messages */
  ItemImage(String label, Map<String, AttributeValue> attributes) {
    this.label = label;
    this.attributes = attributes;
  }

  Map<String, AttributeValue> attributes() {
    return attributes;
  }

  Optional<AttributeValue> raw(String name) {
    AttributeValue value = attributes.get(name);
    if (value == null || value.type() == AttributeValue.Type.NUL) {
      return Optional.empty();
    }
    return Optional.of(value);
  }

  Optional<String> string(String name) throws MalformedItemException {
    Optional<AttributeValue> value = raw(name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.get().type() != AttributeValue.Type.S) {
      throw wrongType(name, "a string (S)", value.get());
    }
    return Optional.of(value.get().s());
  }

  String requiredString(String name) throws MalformedItemException {
    String value = string(name).orElseThrow(() -> missing(name));
    if (value.isBlank()) {
      throw new MalformedItemException(label + ": attribute '" + name + "' must not be blank");
    }
    return value;
  }

  Optional<BigDecimal> number(String name) throws MalformedItemException {
    Optional<AttributeValue> value = raw(name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(number(name, value.get()));
  }

  BigDecimal requiredNumber(String name) throws MalformedItemException {
    return number(name).orElseThrow(() -> missing(name));
  }

  /** A whole, non-negative number that fits in a long (a stock level, a quantity, an epoch time). */
  Optional<Long> count(String name) throws MalformedItemException {
    Optional<BigDecimal> value = number(name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(toCount(name, value.get()));
  }

  /** A whole number that fits in a long, negative allowed (a stock level: below 0 is a backorder). */
  Optional<Long> wholeNumber(String name) throws MalformedItemException {
    Optional<BigDecimal> value = number(name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(toWhole(name, value.get()).longValueExact());
  }

  Optional<List<AttributeValue>> list(String name) throws MalformedItemException {
    Optional<AttributeValue> value = raw(name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.get().type() != AttributeValue.Type.L) {
      throw wrongType(name, "a list (L)", value.get());
    }
    return Optional.of(value.get().l());
  }

  BigDecimal number(String name, AttributeValue value) throws MalformedItemException {
    if (value.type() != AttributeValue.Type.N) {
      throw wrongType(name, "a number (N)", value);
    }
    try {
      return new BigDecimal(value.n());
    } catch (NumberFormatException e) {
      throw new MalformedItemException(label + ": attribute '" + name + "' is not a number: '"
          + abbreviate(value.n()) + "'");
    }
  }

  long toCount(String name, BigDecimal value) throws MalformedItemException {
    BigInteger whole = toWhole(name, value);
    if (whole.signum() < 0) {
      throw new MalformedItemException(label + ": attribute '" + name + "' must not be negative, was " + whole);
    }
    return whole.longValueExact();
  }

  private BigInteger toWhole(String name, BigDecimal value) throws MalformedItemException {
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() > 0) {
      throw new MalformedItemException(label + ": attribute '" + name + "' must be a whole number, was "
          + abbreviate(value.toPlainString()));
    }
    BigInteger whole = stripped.toBigIntegerExact();
    if (whole.compareTo(LONG_MIN) < 0 || whole.compareTo(LONG_MAX) > 0) {
      throw new MalformedItemException(label + ": attribute '" + name + "' is out of range: "
          + abbreviate(value.toPlainString()));
    }
    return whole;
  }

  MalformedItemException missing(String name) {
    return new MalformedItemException(label + ": required attribute '" + name + "' is missing");
  }

  MalformedItemException wrongType(String name, String expected, AttributeValue actual) {
    return new MalformedItemException(label + ": attribute '" + name + "' must be " + expected + " but is "
        + AttributeValues.typeName(actual));
  }

  static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
