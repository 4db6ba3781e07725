package dev.shopstream.handlers.email;

/** The one thing the email handler needs from an email service. */
public interface EmailSender {

  /**
   * @return the provider's message id
   * @throws dev.shopstream.handlers.EffectFailure when the email was not accepted, or
   *     {@link dev.shopstream.handlers.EffectFailure#outcomeUnknown} when it may have been (the request
   *     left and no answer came); any other exception counts as not accepted
   */
  String send(OutgoingEmail email);
}
