package dev.shopstream.handlers.email;

import dev.shopstream.handlers.AwsFailures;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/** Sends through Amazon SES's v2 API (SendEmail with simple content: HTML and text parts). */
public final class SesEmailSender implements EmailSender {
  private final SesV2Client ses;

  public SesEmailSender(SesV2Client ses) {
    this.ses = ses;
  }

  @Override
  public String send(OutgoingEmail email) {
    SendEmailRequest.Builder request = SendEmailRequest.builder()
        .fromEmailAddress(email.from())
        .destination(d -> d.toAddresses(email.to()))
        .content(c -> c.simple(m -> m
            .subject(utf8(email.subject()))
            .body(Body.builder().html(utf8(email.html())).text(utf8(email.text())).build())));
    if (email.configurationSet() != null) {
      request.configurationSetName(email.configurationSet());
    }
    if (!email.tags().isEmpty()) {
      request.emailTags(email.tags().entrySet().stream()
          .map(tag -> MessageTag.builder().name(tag.getKey()).value(tag.getValue()).build()).toList());
    }
    try {
      return ses.sendEmail(request.build()).messageId();
    } catch (SdkException e) {
      // A timeout after the request left may follow an accepted mail: the outcome is unknown, not a failure.
      throw AwsFailures.classifyEffect("SES SendEmail", e);
    }
  }

  private static Content utf8(String data) {
    return Content.builder().charset("UTF-8").data(data).build();
  }
}
