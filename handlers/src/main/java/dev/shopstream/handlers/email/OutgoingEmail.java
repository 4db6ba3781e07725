package dev.shopstream.handlers.email;

import java.util.Objects;

/** A rendered email ready to send. {@code configurationSet} may be null. */
public record OutgoingEmail(String from, String to, String subject, String html, String text, String configurationSet) {
  public OutgoingEmail {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(html, "html");
    Objects.requireNonNull(text, "text");
  }
}
