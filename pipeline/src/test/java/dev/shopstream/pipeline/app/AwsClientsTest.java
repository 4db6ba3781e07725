package dev.shopstream.pipeline.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.sns.SnsClient;

/** The clients handlers ask for by type: the worker's own where it has one, any other built once (no call made). */
class AwsClientsTest {

  @Test
  void aHandlerGetsTheWorkersClientOrOneBuiltOnceForAnotherService() {
    WorkerConfig config = CompositionRoot.configuration(Map.of("SHOP_DLQ_URL",
        "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dlq", "AWS_REGION", "eu-west-1",
        "SHOP_AWS_DUMMY_CREDENTIALS", "true", "SHOP_HANDLERS", "logging"), HandlerCatalogue.standard());
    try (AwsClients clients = AwsClients.create(config.aws(), config.engine().recordThreads(),
        config.idempotency().effectWindow(), null, null)) {
      assertThat(clients.client(SnsClient.class)).as("the worker's own SNS client").isSameAs(clients.sns());

      CloudWatchClient other = clients.client(CloudWatchClient.class);
      assertThat(clients.client(CloudWatchClient.class)).as("built once, then kept").isSameAs(other);
      assertThat(other.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
      assertThat(other.serviceClientConfiguration().overrideConfiguration().retryStrategy())
          .as("no SDK retries: the record loop retries a handler's calls").isPresent()
          .get().satisfies(strategy -> assertThat(strategy.maxAttempts()).isEqualTo(1));
    }
  }
}
