package dev.shopstream.handlers.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * One SES send event as the events queue holds it, reduced to what reconciliation needs: the claim tag
 * the handler put on the message ({@link ConfirmationEmailHandler#CLAIM_TAG}), SES's message id, the
 * event type and when SES handled the mail. Accepts SNS envelopes and raw message delivery alike, since
 * either subscription setting may be chosen when the queue is wired.
 *
 * @param timestamp as SES wrote it (null when absent)
 */
record SendEventMessage(String tag, String messageId, String eventType, String timestamp) {

  /** @return empty for a body that is not JSON or an event without a claim tag (not one of ours) */
  static Optional<SendEventMessage> parse(String body, ObjectMapper json) {
    JsonNode event;
    try {
      JsonNode outer = json.readTree(body);
      event = outer.has("Message") && outer.path("Type").asText().equals("Notification")
          ? json.readTree(outer.get("Message").asText()) : outer;
    } catch (IOException e) {
      return Optional.empty();
    }
    JsonNode mail = event.path("mail");
    JsonNode claim = mail.path("tags").path(ConfirmationEmailHandler.CLAIM_TAG);
    String tag = claim.isArray() ? claim.path(0).asText(null) : claim.asText(null);
    if (tag == null || tag.isEmpty()) {
      return Optional.empty();
    }
    String type = event.path("eventType").asText(event.path("notificationType").asText("?"));
    return Optional.of(new SendEventMessage(tag, mail.path("messageId").asText("?"), type,
        mail.path("timestamp").asText(null)));
  }
}
