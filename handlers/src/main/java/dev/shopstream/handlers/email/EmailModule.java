package dev.shopstream.handlers.email;

import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerModule;
import dev.shopstream.handlers.HandlerResources;
import dev.shopstream.handlers.idempotency.OnceOnly;
import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The confirmation email handler: its settings and how it is built. */
public final class EmailModule implements HandlerModule {
  public static final Setting<String> FROM = Setting.text("SHOP_EMAIL_FROM", "",
      Rule.of(v -> v.isEmpty() || EmailAddresses.isValid(v), "is not a valid email address", ""),
      "Sender address of confirmation emails (verified in SES). Required with the email handler.");
  public static final Setting<String> CONFIGURATION_SET = Setting.text("SHOP_EMAIL_CONFIGURATION_SET", "", Rule.any(),
      "SES configuration set for confirmation emails. Empty: none.");
  public static final Setting<String> LOCALE = Setting.text("SHOP_EMAIL_LOCALE", "en-US", Rule.languageTag(),
      "Locale (IETF tag) for amounts and text in confirmation emails.");
  public static final Setting<String> SES_EVENTS_QUEUE_URL = Setting.text("SHOP_SES_EVENTS_QUEUE_URL", "",
      Rule.optionalQueueUrl(),
      "SQS queue receiving the SES configuration set's send events (via SNS): the email handler's reconciliation "
          + "source, consulted before a confirmation of unknown outcome is sent again. Empty: none (such a "
          + "confirmation is sent again once its claim goes stale).");
  public static final Setting<Duration> SES_EVENTS_SETTLE_SECONDS = Setting.seconds("SHOP_SES_EVENTS_SETTLE_SECONDS",
      60, 1, 3600,
      "How long after a send its SES event is sure to be in that queue: a send of unknown outcome is repeated only "
          + "after this long without its event (longer than the SES call timeout plus SNS/SQS delivery), plus twice "
          + "SHOP_SES_EVENTS_POLL_SECONDS and 5 s for the queue's reader to have read past it.");
  public static final Setting<Duration> SES_EVENTS_POLL_SECONDS = Setting.seconds("SHOP_SES_EVENTS_POLL_SECONDS", 10,
      1, 20,
      "How long each long poll of the SES events queue waits for a message: shorter means more SQS requests while "
          + "idle and an earlier 'not seen' for a send of unknown outcome.");

  public static final Setting<Long> MAX_SEND_RATE = Setting.number("SHOP_SES_MAX_SEND_RATE", 0, 0, 100_000,
      "The account's SES sends per second, shared by the live workers (each paces at 90 % of its share, re-sized "
          + "every minute from the lease table). 0: read SES's own MaxSendRate (GetAccount) at start and every "
          + "minute.");
  /** Until SES's own rate is read: a new production account's rate. */
  static final double FALLBACK_SEND_RATE = 14;

  @Override
  public String name() {
    return ConfirmationEmailHandler.NAME;
  }

  @Override
  public String purpose() {
    return "On order-placed: one confirmation email per order through SES v2 (HTML and text).";
  }


  @Override
  public Factory configure(SettingValues values) {
    String from = values.required(FROM, "when the email handler is enabled (SHOP_HANDLERS)");
    String configurationSet = values.get(CONFIGURATION_SET);
    Locale locale = Locale.forLanguageTag(values.get(LOCALE));
    String sendEvents = values.get(SES_EVENTS_QUEUE_URL);
    Duration settle = values.get(SES_EVENTS_SETTLE_SECONDS);
    Duration pollWait = values.get(SES_EVENTS_POLL_SECONDS);
    long maxSendRate = values.get(MAX_SEND_RATE);
    return new Factory() {
      @Override
      public EventHandler create(HandlerResources resources) {
        OnceOnly once = resources.onceOnly();
        if (!sendEvents.isEmpty()) {
          // Its reader starts now and keeps the queue drained until the worker closes its resources.
          SesSendEvents events = SesSendEvents.start(resources.client(SqsClient.class), sendEvents,
              resources.client(DynamoDbClient.class), resources.claimsTable(), settle, resources.claimRetention(),
              resources.clock(), pollWait);
          resources.closeWith(events);
          once = once.reconciledBy(events);
        }
        SendRate rate = new SendRate(maxSendRate > 0 ? maxSendRate : FALLBACK_SEND_RATE, Duration.ofSeconds(1));
        SesV2Client ses = resources.client(SesV2Client.class);
        resources.closeWith(SendRateRefresh.start(rate,
            maxSendRate > 0 ? null : () -> SendRateRefresh.maxSendRate(ses), resources::liveWorkers,
            Duration.ofMinutes(1)));
        return new ConfirmationEmailHandler(new SesEmailSender(ses),
            new ConfirmationEmailSettings(from, configurationSet.isEmpty() ? null : configurationSet, locale), once,
            rate);
      }

      @Override
      public List<String> preflight(HandlerResources resources) {
        List<String> problems = new ArrayList<>(
            SenderIdentityCheck.check(resources.client(SesV2Client.class), from, FROM.envName()));
        if (!sendEvents.isEmpty()) {
          problems.addAll(SesEventsQueueCheck.check(resources.client(SqsClient.class), sendEvents,
              SES_EVENTS_QUEUE_URL.envName()));
        }
        return problems;
      }

      @Override
      public boolean claimsEffects() {
        return true;
      }
    };
  }
}
