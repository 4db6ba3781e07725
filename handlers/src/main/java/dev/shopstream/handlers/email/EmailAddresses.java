package dev.shopstream.handlers.email;

import java.util.regex.Pattern;

/** A pragmatic check of a customer email address before anything is sent to it. */
final class EmailAddresses {
  // local@domain.tld: no spaces, no control characters, one '@', a dotted domain with a 2+ letter TLD
  private static final Pattern ADDRESS =
      Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
          + "@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$");

  private EmailAddresses() {}

  static boolean isValid(String address) {
    return address != null && address.length() <= 254 && ADDRESS.matcher(address).matches()
        && !address.startsWith(".") && !address.contains("..");
  }
}
