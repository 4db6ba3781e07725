package dev.shopstream.handlers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A FIFO message group id for a name: the name itself when it is a valid group id (1 to 128 printable
 * ASCII characters), otherwise its SHA-256 hex, so each name keeps one group whatever it contains.
 */
public final class FifoGroupIds {
  private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1,128}");

  private FifoGroupIds() {}

  public static String of(String name) {
    if (VALID.matcher(name).matches()) {
      return name;
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
