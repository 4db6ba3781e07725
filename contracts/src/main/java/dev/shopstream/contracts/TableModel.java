package dev.shopstream.contracts;

/**
 * The single-table design (see docs/architecture.md, "Data model"): the contract with the backend that writes
 * the table, read by the differ and by handlers that write back. Key attributes are
 * {@code PK} and {@code SK}; ids follow the {@code TYPE#} prefixes below.
 */
public final class TableModel {
  public static final String PARTITION_KEY = "PK";
  public static final String SORT_KEY = "SK";
  /** Epoch-seconds TTL attribute of sessions; the table's time-to-live setting must name it. */
  public static final String TTL_ATTRIBUTE = "expiresAt";

  public static final String USER_PREFIX = "USER#";
  public static final String PRODUCT_PREFIX = "PRODUCT#";
  public static final String SESSION_PREFIX = "SESSION#";
  public static final String PROFILE_SK = "PROFILE";
  public static final String ORDER_SK_PREFIX = "ORDER#";
  public static final String META_SK = "META";
  public static final String WAITLIST_SK_PREFIX = "WAITLIST#";
  public static final String SESSION_SK = "SESSION";

  private TableModel() {}
}
