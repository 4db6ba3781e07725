package dev.shopstream.pipeline.config;

import dev.shopstream.handlers.email.ConfirmationEmailSettings;
import java.net.URI;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of the real handlers; those of a handler that is not enabled may be absent.
 *
 * @param email null unless the email handler is enabled
 */
public record HandlerSettings(
    URI sesEndpoint,
    URI snsEndpoint,
    ConfirmationEmailSettings email,
    String waitlistTopicArn,
    String analyticsTopicArn,
    String analyticsPiiKey) {

  public static final String EMAIL = "email";
  public static final String WAITLIST = "waitlist";
  public static final String ANALYTICS = "analytics";

  static HandlerSettings load(ConfigReader read, List<String> enabled) {
    URI ses = read.endpoint(ConfigKey.SES_ENDPOINT);
    URI sns = read.endpoint(ConfigKey.SNS_ENDPOINT);
    ConfirmationEmailSettings email = null;
    if (enabled.contains(EMAIL)) {
      String from = requiredFor(read, ConfigKey.EMAIL_FROM, EMAIL);
      Locale locale = locale(read);
      String configurationSet = read.text(ConfigKey.EMAIL_CONFIGURATION_SET);
      if (from != null) {
        try {
          email = new ConfirmationEmailSettings(from, configurationSet.isEmpty() ? null : configurationSet, locale);
        } catch (IllegalArgumentException e) {
          read.problem(ConfigKey.EMAIL_FROM, from, "is not a valid email address");
        }
      }
    }
    String waitlistTopic = enabled.contains(WAITLIST) ? requiredFor(read, ConfigKey.WAITLIST_TOPIC_ARN, WAITLIST) : null;
    String analyticsTopic = null;
    String piiKey = null;
    if (enabled.contains(ANALYTICS)) {
      analyticsTopic = requiredFor(read, ConfigKey.ANALYTICS_TOPIC_ARN, ANALYTICS);
      if (analyticsTopic != null && !analyticsTopic.endsWith(".fifo")) {
        read.problem(ConfigKey.ANALYTICS_TOPIC_ARN, analyticsTopic, "must be an SNS FIFO topic (its name ends in .fifo)");
      }
      piiKey = requiredFor(read, ConfigKey.ANALYTICS_PII_KEY, ANALYTICS);
      if (piiKey != null && piiKey.length() < 16) {
        read.problemWithoutValue(ConfigKey.ANALYTICS_PII_KEY, "must have at least 16 characters");
      }
    }
    return new HandlerSettings(ses, sns, email, waitlistTopic, analyticsTopic, piiKey);
  }

  private static String requiredFor(ConfigReader read, ConfigKey key, String handler) {
    String value = read.text(key);
    if (value.isEmpty()) {
      read.problemWithoutValue(key, "must be set when the " + handler + " handler is enabled (SHOP_HANDLERS)");
      return null;
    }
    return value;
  }

  private static Locale locale(ConfigReader read) {
    String tag = read.text(ConfigKey.EMAIL_LOCALE);
    try {
      return new Locale.Builder().setLanguageTag(tag).build();
    } catch (IllformedLocaleException e) {
      read.problem(ConfigKey.EMAIL_LOCALE, tag, "is not an IETF language tag like en-US or de-DE");
      return Locale.US;
    }
  }

  public Optional<URI> ses() {
    return Optional.ofNullable(sesEndpoint);
  }

  public Optional<URI> sns() {
    return Optional.ofNullable(snsEndpoint);
  }

  @Override
  public String toString() {
    return "HandlerSettings[ses=" + sesEndpoint + ", sns=" + snsEndpoint + ", email=" + email + ", waitlistTopic="
        + waitlistTopicArn + ", analyticsTopic=" + analyticsTopicArn + ", analyticsPiiKey=" + (analyticsPiiKey == null ? null : "***") + "]";
  }
}
