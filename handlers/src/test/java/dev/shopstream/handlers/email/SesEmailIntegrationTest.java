package dev.shopstream.handlers.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.contracts.OrderLine;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.idempotency.OnceOnly;
import dev.shopstream.handlers.testing.Events;
import dev.shopstream.handlers.testing.MemoryIdempotencyStore;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.SesLocal;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** The confirmation email through the real SES v2 client to the SES emulator, read back from its store. */
@Tag("integration")
class SesEmailIntegrationTest {

  @Test
  void theConfirmationArrivesWithRecipientSubjectAndBothParts() {
    try (SesLocal ses = SesLocal.start(Path.of("target", "local-services"));
        SesV2Client client = SesV2Client.builder().endpointOverride(ses.endpoint()).region(LocalAws.REGION)
            .credentialsProvider(LocalAws.CREDENTIALS).build()) {
      ConfirmationEmailHandler handler = new ConfirmationEmailHandler(new SesEmailSender(client),
          new ConfirmationEmailSettings("orders@shop.example", null, Locale.UK),
          new OnceOnly(new MemoryIdempotencyStore()));

      HandlerResult result = handler.handle(Events.order("o-77", "grace@example.com",
          List.of(new OrderLine("mug", "Mug", 3, new BigDecimal("8.00"))), "GBP"));

      assertThat(result).isInstanceOf(HandlerResult.Done.class);
      assertThat(ses.sentEmails()).singleElement().satisfies(email -> {
        assertThat(email.from()).isEqualTo("orders@shop.example");
        assertThat(email.to()).containsExactly("grace@example.com");
        assertThat(email.subject()).isEqualTo("Your order o-77 is confirmed");
        assertThat(email.html()).contains("£24.00");
        assertThat(email.text()).contains("3 x Mug at £8.00 = £24.00");
        assertThat(((HandlerResult.Done) result).detail()).contains(email.messageId());
      });
    }
  }
}
