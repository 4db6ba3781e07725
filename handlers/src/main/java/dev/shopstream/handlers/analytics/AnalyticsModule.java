package dev.shopstream.handlers.analytics;

import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerModule;
import dev.shopstream.handlers.HandlerResources;
import dev.shopstream.handlers.SnsTopicCheck;
import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.sns.SnsClient;

/** The analytics sync handler: its settings and how it is built. */
public final class AnalyticsModule implements HandlerModule {
  public static final Setting<String> TOPIC_ARN = Setting.text("SHOP_ANALYTICS_TOPIC_ARN", "",
      Rule.optionalSnsTopicArn(true),
      "SNS FIFO topic (name ends in .fifo) for the analytics contract. Required with the analytics handler.");
  public static final Setting<String> PII_KEY = Setting.secret("SHOP_ANALYTICS_PII_KEY", Rule.optionalMinLength(16),
      "Secret (16+ characters) keying the HMAC that pseudonymises emails for analytics. Required with the analytics "
          + "handler; keep it stable.");

  /** PublishBatch calls to the analytics topic in flight at once (10 messages each at most). */
  static final int CONCURRENT_BATCHES = 16;
  /** How long a batch waits for company after its first message (a few ms next to SNS's 20-100 ms). */
  static final Duration LINGER = Duration.ofMillis(5);
  /** How long a record waits for its message's batch before the call counts as failed (retryable). */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  @Override
  public String name() {
    return AnalyticsSyncHandler.NAME;
  }

  @Override
  public String purpose() {
    return "Every event as a CloudEvent under a versioned JSON Schema on an SNS FIFO topic (PII hashed or dropped).";
  }


  @Override
  public Factory configure(SettingValues values) {
    String topic = values.required(TOPIC_ARN, "when the analytics handler is enabled (SHOP_HANDLERS)");
    String piiKey = values.required(PII_KEY, "when the analytics handler is enabled (SHOP_HANDLERS)");
    return new Factory() {
      @Override
      public EventHandler create(HandlerResources resources) {
        return new AnalyticsSyncHandler(new CloudEventMapper(resources.json(), new PiiHasher(piiKey)),
            new ContractValidator(),
            new BatchingAnalyticsPublisher(new SnsFifoAnalyticsPublisher(resources.client(SnsClient.class), topic),
                CONCURRENT_BATCHES, LINGER, CALL_TIMEOUT), resources.tracing(),
                topic.substring(topic.lastIndexOf(':') + 1));
      }

      @Override
      public List<String> preflight(HandlerResources resources) {
        return SnsTopicCheck.check(resources.client(SnsClient.class), topic, TOPIC_ARN.envName(), true);
      }
    };
  }
}
