package dev.shopstream.local.aws;

import java.util.List;

/** One email as the SES emulator recorded it. */
public record SentEmail(String messageId, String from, List<String> to, String subject, String text, String html) {
  public SentEmail {
    to = List.copyOf(to);
  }
}
