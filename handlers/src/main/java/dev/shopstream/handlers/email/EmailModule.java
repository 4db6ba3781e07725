package dev.shopstream.handlers.email;

import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerModule;
import dev.shopstream.handlers.HandlerResources;
import dev.shopstream.handlers.idempotency.OnceOnly;
import dev.shopstream.handlers.settings.Rule;
import dev.shopstream.handlers.settings.Setting;
import dev.shopstream.handlers.settings.SettingValues;
import java.util.List;
import java.util.Locale;

/** The confirmation email handler: its settings and how it is built. */
public final class EmailModule implements HandlerModule {
  public static final Setting FROM = Setting.of("SHOP_EMAIL_FROM", "",
      Rule.of(v -> v.isEmpty() || EmailAddresses.isValid(v), "is not a valid email address", ""),
      "Sender address of confirmation emails (verified in SES). Required with the email handler.");
  public static final Setting CONFIGURATION_SET = Setting.of("SHOP_EMAIL_CONFIGURATION_SET", "", Rule.any(),
      "SES configuration set for confirmation emails. Empty: none.");
  public static final Setting LOCALE = Setting.of("SHOP_EMAIL_LOCALE", "en-US", Rule.languageTag(),
      "Locale (IETF tag) for amounts and text in confirmation emails.");

  @Override
  public String name() {
    return ConfirmationEmailHandler.NAME;
  }

  @Override
  public String purpose() {
    return "On order-placed: one confirmation email per order through SES v2 (HTML and text).";
  }

  @Override
  public List<Setting> settings() {
    return List.of(FROM, CONFIGURATION_SET, LOCALE);
  }

  @Override
  public Factory configure(SettingValues values) {
    String from = values.required(FROM, "when the email handler is enabled (SHOP_HANDLERS)");
    String configurationSet = values.text(CONFIGURATION_SET);
    Locale locale = Locale.forLanguageTag(values.text(LOCALE));
    return new Factory() {
      @Override
      public EventHandler create(HandlerResources resources) {
        return new ConfirmationEmailHandler(new SesEmailSender(resources.ses()),
            new ConfirmationEmailSettings(from, configurationSet.isEmpty() ? null : configurationSet, locale),
            new OnceOnly(resources.claims()));
      }

      @Override
      public List<String> preflight(HandlerResources resources) {
        return SenderIdentityCheck.check(resources.ses(), from, FROM.envName());
      }

      @Override
      public boolean claimsEffects() {
        return true;
      }
    };
  }
}
