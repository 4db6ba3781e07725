package dev.shopstream.pipeline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.handlers.HandlerModule;
import dev.shopstream.handlers.logging.LoggingHandler;
import dev.shopstream.settings.ConfigException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandlerCatalogueTest {
  private final HandlerCatalogue catalogue = HandlerCatalogue.standard();

  private WorkerConfig config(String... pairs) {
    Map<String, String> env =
        new HashMap<>(Map.of("SHOP_DLQ_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return CompositionRoot.configuration(env, catalogue);
  }

  private List<HandlerModule.Factory> configure(WorkerConfig config) {
    return catalogue.configure(config.handlers(), config.handlerSettings());
  }

  @Test
  void eachEnabledHandlerNeedsItsOwnSettingsAndAllProblemsComeAtOnce() {
    WorkerConfig config = config("SHOP_ANALYTICS_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:analytics",
        "SHOP_ANALYTICS_PII_KEY", "short-secret");
    assertThatThrownBy(() -> configure(config))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "SHOP_EMAIL_FROM must be set when the email handler is enabled (SHOP_HANDLERS)",
            "SHOP_WAITLIST_TOPIC_ARN must be set when the waitlist handler is enabled (SHOP_HANDLERS)",
            "SHOP_ANALYTICS_TOPIC_ARN='arn:aws:sns:eu-west-1:123456789012:analytics' must be an SNS FIFO topic ARN "
                + "like arn:aws:sns:eu-west-1:123456789012:analytics.fifo (default: '')",
            "SHOP_ANALYTICS_PII_KEY must have at least 16 characters"))
        .hasMessageNotContaining("short-secret");
  }

  @Test
  void handlersThatAreNotEnabledNeedNothingAndTheirKeysAreStillKnown() {
    WorkerConfig config = config("SHOP_HANDLERS", "logging", "SHOP_EMAIL_LOCALE", "de-DE", "SHOP_EMAIL_FROM", "");
    assertThat(configure(config)).hasSize(1);
    assertThat(catalogue.settings()).extracting(s -> s.envName()).contains("SHOP_EMAIL_FROM", "SHOP_WAITLIST_TOPIC_ARN",
        "SHOP_ANALYTICS_PII_KEY");
  }

  @Test
  void theWaitlistTakesAStandardOrAFifoTopicTheAnalyticsOnlyAFifoOne() {
    for (String topic : new String[] {"arn:aws:sns:eu-west-1:123456789012:shop-waitlist",
        "arn:aws:sns:eu-west-1:123456789012:shop-waitlist.fifo"}) {
      assertThat(configure(config("SHOP_HANDLERS", "waitlist", "SHOP_WAITLIST_TOPIC_ARN", topic)))
          .as(topic).hasSize(1);
    }
    assertThatThrownBy(() -> configure(config("SHOP_HANDLERS", "waitlist", "SHOP_WAITLIST_TOPIC_ARN",
        "arn:aws:sns:eu-west-1:123456789012:shop waitlist"))).isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.problems()).singleElement().asString().contains("(standard or FIFO)"));
  }

  @Test
  void aBadEmailSenderIsNamed() {
    WorkerConfig config = config("SHOP_HANDLERS", "email", "SHOP_EMAIL_FROM", "orders-at-shop",
        "SHOP_EMAIL_LOCALE", "xx_!!");
    assertThatThrownBy(() -> configure(config)).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.problems()).anySatisfy(p ->
            assertThat(p).startsWith("SHOP_EMAIL_FROM='orders-at-shop' is not a valid email address"))
            .anySatisfy(p -> assertThat(p).startsWith("SHOP_EMAIL_LOCALE='xx_!!' is not an IETF language tag")));
  }

  @Test
  void namesComeFromTheModulesAndExtrasAreAddedByName() {
    assertThat(catalogue.names()).containsExactly("email", "waitlist", "analytics", "logging");
    assertThat(HandlerCatalogue.MODULES).extracting(HandlerModule::name).doesNotHaveDuplicates();
    HandlerCatalogue withRecorder = catalogue.with("recorder", LoggingHandler::new);
    assertThat(withRecorder.names()).contains("recorder");
    assertThatThrownBy(() -> CompositionRoot.configuration(Map.of("SHOP_DLQ_URL",
        "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq", "SHOP_HANDLERS", "recorder"), catalogue))
        .hasMessageContaining("unknown handler 'recorder'");
    assertThat(CompositionRoot.configuration(Map.of("SHOP_DLQ_URL",
        "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq",
        "SHOP_HANDLERS", "recorder"), withRecorder).handlers()).containsExactly("recorder");
  }
}
