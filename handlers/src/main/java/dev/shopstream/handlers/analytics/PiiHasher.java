package dev.shopstream.handlers.analytics;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pseudonymises contact details for analytics: HMAC-SHA256 (hex) of the trimmed, lower-cased value
 * under a deployment secret. The same address always maps to the same hash (joins work), but the
 * hash cannot be reversed by guessing addresses without the key.
 */
public final class PiiHasher {
  public static final int MIN_KEY_LENGTH = 16;
  private final SecretKeySpec key;

  public PiiHasher(String secret) {
    if (secret == null || secret.length() < MIN_KEY_LENGTH) {
      throw new IllegalArgumentException("the analytics PII key must have at least " + MIN_KEY_LENGTH + " characters");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** The hash, or null for a null or blank value. */
  public String hash(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(value.trim().toLowerCase(Locale.ROOT)
          .getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
