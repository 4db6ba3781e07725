package dev.shopstream.handlers.waitlist;

import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerModule;
import dev.shopstream.handlers.HandlerResources;
import dev.shopstream.handlers.SnsTopicCheck;
import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;

/** The stock waitlist handler: its settings and how it is built. */
public final class WaitlistModule implements HandlerModule {
  public static final Setting<String> TOPIC_ARN = Setting.text("SHOP_WAITLIST_TOPIC_ARN", "",
      Rule.optionalSnsTopicArn(false),
      "SNS topic for back-in-stock notifications, one message per waitlisted user. Required with the waitlist handler. "
          + "A FIFO topic (.fifo) drops a notice repeated after a crash mid-publish; a standard topic delivers it "
          + "again.");

  @Override
  public String name() {
    return StockWaitlistHandler.NAME;
  }

  @Override
  public String purpose() {
    return "On product-back-in-stock: one SNS notification per waiting user and restock, then marks the entry "
        + "notified.";
  }


  @Override
  public Factory configure(SettingValues values) {
    String topic = values.required(TOPIC_ARN, "when the waitlist handler is enabled (SHOP_HANDLERS)");
    return new Factory() {
      @Override
      public EventHandler create(HandlerResources resources) {
        SnsClient sns = resources.client(SnsClient.class);
        return new StockWaitlistHandler(
            new DynamoWaitlistStore(resources.client(DynamoDbClient.class), resources.table()),
            new SnsWaitlistNotifier(sns, topic, resources.json()), resources.onceOnly(), resources.clock());
      }

      @Override
      public List<String> preflight(HandlerResources resources) {
        return SnsTopicCheck.check(resources.client(SnsClient.class), topic, TOPIC_ARN.envName(), false);
      }

      @Override
      public boolean claimsEffects() {
        return true;
      }
    };
  }
}
