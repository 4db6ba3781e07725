package dev.shopstream.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

@Tag("integration")
class NodeEmulatorsTest {
  private static final Path LOGS = Path.of("target", "local-services");

  @Test
  void fauxqsDeliversAFifoTopicToASubscribedQueueAndDeduplicates() {
    try (FauxqsLocal fauxqs = FauxqsLocal.start(LOGS);
        SnsClient sns = LocalAws.sns(fauxqs.endpoint());
        SqsClient sqs = LocalAws.sqs(fauxqs.endpoint())) {
      String topic = sns.createTopic(r -> r.name("probe.fifo").attributes(Map.of("FifoTopic", "true"))).topicArn();
      TopicTap tap = TopicTap.subscribe(sns, sqs, topic, "probe");
      for (String dedup : new String[] {"a", "a", "b"}) {
        sns.publish(r -> r.topicArn(topic).message("m-" + dedup).messageGroupId("g").messageDeduplicationId(dedup)
            .messageAttributes(Map.of("type", MessageAttributeValue.builder().dataType("String")
                .stringValue("t").build())));
      }
      assertThat(tap.awaitAtLeast(2, Duration.ofSeconds(5))).extracting(m -> m.body()).containsExactly("m-a", "m-b");
      assertThat(tap.drain()).hasSize(2);
    }
  }

  @Test
  void theSesEmulatorRecordsMailAndIsLoopbackOnly() throws Exception {
    try (SesLocal ses = SesLocal.start(LOGS)) {
      assertThat(ses.sentEmails()).isEmpty();
      assertThat(ses.endpoint().getHost()).isEqualTo("127.0.0.1");
      ses.clear();
      assertThat(ses.sentEmails()).isEmpty();
    }
  }
}
