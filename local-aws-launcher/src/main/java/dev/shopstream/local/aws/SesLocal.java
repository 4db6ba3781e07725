package dev.shopstream.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SES emulator (npm {@code aws-ses-v2-local}) on 127.0.0.1. It implements the SES v2 API; sent
 * mail can be read back from its store.
 */
public final class SesLocal extends NodeService {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SesLocal(int port, Path logDir) {
    super("ses-local", "ses-loopback.mjs", "/health-check", port, logDir);
  }

  public static SesLocal start(Path logDir) {
    return start(FreePorts.pick(), logDir);
  }

  /** On a given port: a restarted emulator (with an empty store) comes back where the worker expects it. */
  public static SesLocal start(int port, Path logDir) {
    return new SesLocal(port, logDir);
  }

  /** Every email sent since start (or the last {@link #clear}), oldest first. */
  public List<SentEmail> sentEmails() {
    return sentEmails(endpoint());
  }

  /** Every email the SES emulator at {@code endpoint} recorded (e.g. one started by bin/local-aws). */
  public static List<SentEmail> sentEmails(URI endpoint) {
    try {
      JsonNode store = JSON.readTree(HttpProbe.get(URI.create(endpoint + "/store")));
      List<SentEmail> emails = new ArrayList<>();
      for (JsonNode email : store.path("emails")) {
        List<String> to = new ArrayList<>();
        email.path("destination").path("to").forEach(address -> to.add(address.asText()));
        emails.add(new SentEmail(email.path("messageId").asText(), email.path("from").asText(), to,
            email.path("subject").asText(), email.path("body").path("text").asText(null),
            email.path("body").path("html").asText(null)));
      }
      return emails;
    } catch (IOException e) {
      throw new IllegalStateException("the SES emulator's store is not JSON", e);
    }
  }

  /** Polls the store until at least {@code count} emails are there or {@code timeout} passes; returns what is there. */
  public List<SentEmail> awaitAtLeast(int count, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    List<SentEmail> emails = sentEmails();
    while (emails.size() < count && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      emails = sentEmails();
    }
    return emails;
  }

  public void clear() {
    HttpProbe.post(URI.create(endpoint() + "/clear-store"));
  }
}
