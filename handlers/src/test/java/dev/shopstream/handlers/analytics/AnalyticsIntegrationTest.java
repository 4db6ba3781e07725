package dev.shopstream.handlers.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.handlers.testing.Events;
import dev.shopstream.local.aws.FauxqsLocal;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.TopicTap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Analytics sync to an SNS FIFO topic on fauxqs, read back from a subscribed FIFO queue. */
@Tag("integration")
class AnalyticsIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyEventArrivesOnceInContractGroupedByEntity() throws Exception {
    try (FauxqsLocal fauxqs = FauxqsLocal.start(Path.of("target", "local-services"));
        SnsClient sns = LocalAws.sns(fauxqs.endpoint());
        SqsClient sqs = LocalAws.sqs(fauxqs.endpoint())) {
      String topic = sns.createTopic(r -> r.name("analytics.fifo").attributes(Map.of("FifoTopic", "true"))).topicArn();
      TopicTap tap = TopicTap.subscribe(sns, sqs, topic, "analytics-team");
      ContractValidator contract = new ContractValidator();
      AnalyticsSyncHandler handler = new AnalyticsSyncHandler(
          new CloudEventMapper(JSON, new PiiHasher("integration-key-0001")), contract,
          new SnsFifoAnalyticsPublisher(sns, topic));
      List<DomainEvent> events = Events.oneOfEach();

      events.forEach(handler::handle);
      events.subList(0, 3).forEach(handler::handle); // redelivered: SNS FIFO drops them by event id

      List<Message> messages = tap.awaitAtLeast(events.size(), Duration.ofSeconds(10));
      assertThat(tap.drain()).hasSize(events.size());
      assertThat(messages).extracting(m -> JSON.readTree(m.body()).get("id").asText())
          .containsExactlyInAnyOrderElementsOf(events.stream().map(DomainEvent::eventId).toList());
      for (Message message : messages) {
        JsonNode envelope = JSON.readTree(message.body());
        EventType type = EventType.fromWireName(message.messageAttributes().get("type").stringValue()).orElseThrow();
        assertThat(contract.violations(type, envelope.get("data"))).isEmpty();
        assertThat(message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
            .isEqualTo(envelope.get("subject").asText());
        assertThat(message.body()).doesNotContainIgnoringCase("ada@example.com");
      }
    }
  }
}
