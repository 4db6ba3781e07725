package dev.shopstream.handlers.email;

import java.util.Map;
import java.util.Objects;

/**
 * A rendered email ready to send. {@code configurationSet} may be null; {@code tags} (SES message
 * tags: names and values of letters, digits, '_' and '-') come back in the provider's send events.
 */
public record OutgoingEmail(String from, String to, String subject, String html, String text, String configurationSet,
    Map<String, String> tags) {
  public OutgoingEmail(String from, String to, String subject, String html, String text, String configurationSet) {
    this(from, to, subject, html, text, configurationSet, Map.of());
  }

  public OutgoingEmail {
    tags = Map.copyOf(tags);
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(html, "html");
    Objects.requireNonNull(text, "text");
  }
}
