package dev.shopstream.handlers.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The claim an effect runs under: what it tags its request with, so the provider's records can be matched. */
public record ClaimTicket(String scope, String key, String token) {

  /** A stable tag for the claim (scope and key): 32 hex characters, valid as an SES tag value. */
  public String claimTag() {
    return tag(scope, key);
  }

  public static String tag(String scope, String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest((scope + "#" + key).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
