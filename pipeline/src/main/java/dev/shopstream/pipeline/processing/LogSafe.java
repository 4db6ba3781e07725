package dev.shopstream.pipeline.processing;

import java.util.regex.Pattern;

/**
 * Keeps contact details out of logs: error messages from providers can quote an address (SES does).
 * Email addresses and phone numbers are replaced before a message is logged; the dead-letter queue,
 * which ops need to act on, keeps the original.
 */
public final class LogSafe {
  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
  private static final Pattern PHONE = Pattern.compile("\\+[0-9][0-9 ()-]{6,}[0-9]");

  private LogSafe() {}

  public static String redact(String message) {
    if (message == null) {
      return null;
    }
    return PHONE.matcher(EMAIL.matcher(message).replaceAll("<email>")).replaceAll("<phone>");
  }
}
