package dev.shopstream.handlers.analytics;

import dev.shopstream.contracts.EntityKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * FIFO message group of an entity: its key as {@code PK/SK} when that is a valid group id (at most
 * 128 printable ASCII characters), otherwise the SHA-256 hex of it, so each entity keeps one group.
 */
final class MessageGroups {
  private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1,128}");

  private MessageGroups() {}

  static String of(EntityKey key) {
    String group = key.partitionKey() + "/" + key.sortKey();
    if (VALID.matcher(group).matches()) {
      return group;
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(group.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
