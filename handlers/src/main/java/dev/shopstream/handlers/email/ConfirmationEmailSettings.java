package dev.shopstream.handlers.email;

import java.util.Locale;
import java.util.Objects;

/**
 * @param from the sender address (must be verified in SES)
 * @param configurationSet SES configuration set for event publishing; null for none
 * @param locale how amounts and dates are formatted
 */
public record ConfirmationEmailSettings(String from, String configurationSet, Locale locale) {
  public ConfirmationEmailSettings {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(locale, "locale");
    if (!EmailAddresses.isValid(from)) {
      throw new IllegalArgumentException("sender address '" + from + "' is not a valid email address");
    }
  }
}
