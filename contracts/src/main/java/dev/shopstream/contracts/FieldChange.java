package dev.shopstream.contracts;

/**
 * Old and new value of one changed attribute. A null side means the attribute was absent.
 * Values are plain Java: String, BigDecimal, Boolean, List, Map, Set, or byte[] for binary.
 */
public record FieldChange(Object before, Object after) {}
