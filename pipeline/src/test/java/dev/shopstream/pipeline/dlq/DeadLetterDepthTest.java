package dev.shopstream.pipeline.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.local.aws.FauxqsLocal;
import dev.shopstream.local.aws.LocalAws;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The depth `status` and `dlq list` print, against the SQS emulator. */
@Tag("integration")
class DeadLetterDepthTest {
  @Test
  void messagesInFlightCountInTheDepth() {
    try (FauxqsLocal fauxqs = FauxqsLocal.start(Path.of("target", "local-services"));
        SqsClient sqs = LocalAws.sqs(fauxqs.endpoint())) {
      String url = sqs.createQueue(r -> r.queueName("depth-dlq")).queueUrl();
      sqs.sendMessage(r -> r.queueUrl(url).messageBody("{}"));
      sqs.sendMessage(r -> r.queueUrl(url).messageBody("{}"));
      assertThat(sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(1).visibilityTimeout(120)).messages())
          .hasSize(1);
      assertThat(new DeadLetterRedrive(sqs, url, new DeadLetterCodec(new ObjectMapper())).depth())
          .as("one waiting, one being redriven").isEqualTo(2);
    }
  }
}
