package dev.shopstream.handlers.email;

import dev.shopstream.handlers.AwsFailures;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/**
 * The start-up check of SES: the sender (its address or its domain) is a verified identity. Only
 * GetEmailIdentity, which the task role is granted on the sender identity alone (GetAccount would
 * need a policy on every resource).
 */
final class SenderIdentityCheck {
  private static final Logger LOG = LoggerFactory.getLogger(SenderIdentityCheck.class);

  private SenderIdentityCheck() {}

  static List<String> check(SesV2Client ses, String from, String setting) {
    String domain = from.substring(from.indexOf('@') + 1);
    for (String identity : List.of(from, domain)) {
      Optional<Boolean> verified;
      try {
        verified = Optional.ofNullable(ses.getEmailIdentity(r -> r.emailIdentity(identity)).verifiedForSendingStatus());
      } catch (NotFoundException e) {
        continue;
      } catch (SesV2Exception e) {
        if (e.statusCode() == 403 && identity.equals(from)) {
          continue; // the role may be granted the domain identity only
        }
        if (e.statusCode() == 404) {
          return List.of(); // the endpoint has no identity API (a local stand-in): nothing more to check
        }
        return unlessTransient(identity, e);
      } catch (SdkException e) {
        return unlessTransient(identity, e);
      }
      return verified.orElse(false) ? List.of()
          : List.of(setting + ": SES identity " + identity + " is not verified for sending");
    }
    return List.of(setting + ": neither " + from + " nor " + domain + " is an SES identity of this account and region");
  }

  /**
   * An SES outage (5xx, throttling, a timeout) does not stop a start: a task replaced during one starts and
   * holds its emails until SES answers. Anything else is a problem to fix before starting.
   */
  private static List<String> unlessTransient(String identity, SdkException e) {
    if (AwsFailures.isTransient(e)) {
      LOG.warn("SES did not answer for identity {} at start ({}); starting anyway: emails hold and are retried "
          + "until it does", identity, AwsFailures.describe(e));
      return List.of();
    }
    return List.of("SES: cannot read identity " + identity + ": " + AwsFailures.describe(e));
  }
}
