package dev.shopstream.handlers.waitlist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishBatchResultEntry;

/**
 * How the notifier reads a PublishBatch answer's {@code failed()} entries. The answer is built with the
 * SDK's model builders: fauxqs refuses entries only as sender faults (a message too long, FIFO
 * parameters; see WaitlistIntegrationTest), never as receiver faults, so the mix is tested here.
 */
class SnsWaitlistFailuresTest {
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:waitlist";

  /** Answers every PublishBatch with: n0 accepted, n1 a sender fault, n2 a receiver fault, n3 no flag. */
  static final class AnsweringSns implements SnsClient {
    final List<PublishBatchRequest> requests = new ArrayList<>();

    @Override
    public PublishBatchResponse publishBatch(PublishBatchRequest request) {
      requests.add(request);
      return PublishBatchResponse.builder()
          .successful(PublishBatchResultEntry.builder().id("n0").messageId("m-0").build())
          .failed(BatchResultErrorEntry.builder().id("n1").code("InvalidParameter")
                  .message("Invalid parameter: Message attribute value is empty").senderFault(true).build(),
              BatchResultErrorEntry.builder().id("n2").code("InternalError").message("try again").senderFault(false)
                  .build(),
              BatchResultErrorEntry.builder().id("n3").code("Throttled").message("slow down").build())
          .build();
    }

    @Override
    public String serviceName() {
      return "sns";
    }

    @Override
    public void close() {}
  }

  private static WaitlistEntry entry(String user) {
    return new WaitlistEntry("lamp", user, "email", user + "@example.com");
  }

  @Test
  void senderFaultsArePermanentAndNameTheUserCodeAndMessageReceiverFaultsStayRetryable() {
    AnsweringSns sns = new AnsweringSns();
    SnsWaitlistNotifier notifier = new SnsWaitlistNotifier(sns, TOPIC, new ObjectMapper());
    List<WaitlistEntry> entries = List.of(entry("ada"), entry("bob"), entry("cy"), entry("dee"));

    WaitlistNotifier.Outcome outcome = notifier.publish("Desk lamp", entries, e -> "notice-" + e.userId());

    assertThat(outcome.delivered()).containsExactly(entry("ada"));
    assertThat(outcome.failureOf(entry("bob"))).hasValueSatisfying(f -> {
      assertThat(f.permanent()).isTrue();
      assertThat(f.reason()).contains("user 'bob'", "InvalidParameter", "Message attribute value is empty")
          .doesNotContain("bob@example.com");
    });
    assertThat(outcome.failureOf(entry("cy"))).hasValueSatisfying(f -> {
      assertThat(f.permanent()).isFalse();
      assertThat(f.reason()).contains("user 'cy'", "InternalError", "try again");
    });
    assertThat(outcome.failureOf(entry("dee"))).as("no SenderFault flag: retryable")
        .hasValueSatisfying(f -> assertThat(f.permanent()).isFalse());
    assertThat(sns.requests).singleElement().satisfies(r -> assertThat(r.topicArn()).isEqualTo(TOPIC));
  }
}
