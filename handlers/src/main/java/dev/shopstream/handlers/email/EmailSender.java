package dev.shopstream.handlers.email;

/** The one thing the email handler needs from an email service. */
public interface EmailSender {

  /**
   * @return the provider's message id
   * @throws RuntimeException when the email was not accepted
   */
  String send(OutgoingEmail email);
}
