package dev.shopstream.handlers.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.contracts.OrderLine;
import dev.shopstream.contracts.OrderPlaced;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.idempotency.ClaimTicket;
import dev.shopstream.handlers.idempotency.OnceOnly;
import dev.shopstream.handlers.testing.Events;
import dev.shopstream.handlers.testing.MemoryIdempotencyStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfirmationEmailHandlerTest {
  private final List<OutgoingEmail> sent = new ArrayList<>();
  private final EmailSender fake = email -> {
    sent.add(email);
    return "msg-" + sent.size();
  };
  private final MemoryIdempotencyStore claims = new MemoryIdempotencyStore();
  private final ConfirmationEmailHandler handler = new ConfirmationEmailHandler(fake,
      new ConfirmationEmailSettings("orders@shop.example", "transactional", Locale.US), new OnceOnly(claims));

  private static final List<OrderLine> LINES = List.of(
      new OrderLine("lamp", "Desk lamp <b>deluxe</b>", 2, new BigDecimal("39.90")),
      new OrderLine("mug", null, 1, new BigDecimal("9.5")));

  @Test
  void sendsOneConfirmationWithItemsAndTotalsFormattedInTheOrdersCurrency() {
    HandlerResult result = handler.handle(Events.order("o-1001", "ada@example.com", LINES, "EUR"));

    assertThat(result).isInstanceOfSatisfying(HandlerResult.Done.class,
        d -> assertThat(d.detail()).contains("o-1001", "msg-1"));
    assertThat(sent).singleElement().satisfies(email -> {
      assertThat(email.from()).isEqualTo("orders@shop.example");
      assertThat(email.to()).isEqualTo("ada@example.com");
      assertThat(email.configurationSet()).isEqualTo("transactional");
      assertThat(email.subject()).isEqualTo("Your order o-1001 is confirmed");
      assertThat(email.html()).contains("€79.80", "€9.50", "€89.30", ">2<", "3 item(s)")
          .contains("Desk lamp &lt;b&gt;deluxe&lt;/b&gt;").doesNotContain("<b>deluxe</b>");
      assertThat(email.text()).contains("2 x Desk lamp <b>deluxe</b> at €39.90 = €79.80", "1 x mug at €9.50 = €9.50",
          "Total: €89.30");
    });
  }

  @Test
  void currenciesKeepTheirOwnMinorUnits() {
    handler.handle(Events.order("o-2", "ada@example.com",
        List.of(new OrderLine("tea", "Tea", 3, new BigDecimal("400"))), "JPY"));
    assertThat(sent.get(0).text()).contains("Total: ¥1,200").doesNotContain("1,200.00");
  }

  @Test
  void anOrderWithoutEmailIsNotSentAndSaysWhy() {
    HandlerResult result = handler.handle(Events.order("o-3", null, LINES, "EUR"));
    assertThat(result).isEqualTo(HandlerResult.notApplicable("order o-3 has no customer email: no confirmation sent"));
    assertThat(sent).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-an-email", "ada@", "@example.com", "ada@example", "ada @example.com",
      "ada..x@example.com", "ada@exa_mple.com"})
  void anInvalidAddressIsNotSentAndSaysWhy(String address) {
    HandlerResult result = handler.handle(Events.order("o-4", address, LINES, "EUR"));
    assertThat(result).isInstanceOfSatisfying(HandlerResult.NotApplicable.class,
        n -> assertThat(n.reason()).contains("o-4", "invalid customer email"));
    assertThat(sent).isEmpty();
  }

  @Test
  void aSendFailureIsAFailureNotASkip() {
    ConfirmationEmailHandler failing = new ConfirmationEmailHandler(email -> {
      throw new IllegalStateException("SES unavailable");
    }, new ConfirmationEmailSettings("orders@shop.example", null, Locale.US), new OnceOnly(claims));
    assertThatThrownBy(() -> failing.handle(Events.order("o-5", "ada@example.com", LINES, "EUR")))
        .hasMessageContaining("SES unavailable");
    assertThat(claims.inProgress()).as("the claim is released for the next attempt").isEmpty();
    assertThat(claims.completed()).isEmpty();
  }

  @Test
  void anOrderIsConfirmedOnceHoweverOftenItsEventArrives() {
    var order = Events.order("o-6", "ada@example.com", LINES, "EUR");
    handler.handle(order);
    HandlerResult again = handler.handle(order);
    HandlerResult replayedAsNewEvent = handler.handle(Events.order("o-6", "ada@example.com", LINES, "EUR"));

    assertThat(sent).hasSize(1);
    assertThat(again).isInstanceOf(HandlerResult.AlreadyDone.class);
    assertThat(replayedAsNewEvent).isInstanceOfSatisfying(HandlerResult.AlreadyDone.class,
        d -> assertThat(d.detail()).contains("confirmation of order o-6 sent"));
  }

  @Test
  void anOrderWhoseClaimIsHeldElsewhereIsRetriedLaterNotSent() {
    var order = Events.order("o-7", "ada@example.com", LINES, "EUR");
    claims.holdElsewhere("email", ConfirmationEmailHandler.claimKey(order.userId(), "o-7"));
    assertThatThrownBy(() -> handler.handle(order))
        .isInstanceOfSatisfying(EffectFailure.class, f -> assertThat(f.retryable()).isTrue());
    assertThat(sent).isEmpty();
  }

  @Test
  void twoUsersOrdersWithTheSameOrderIdAreEachConfirmed() {
    var first = Events.order("o-1", "ada@example.com", LINES, "EUR");
    var second = withUser(Events.order("o-1", "bob@example.com", LINES, "EUR"), "another-user");

    handler.handle(first);
    HandlerResult result = handler.handle(second);

    assertThat(result).isInstanceOf(HandlerResult.Done.class);
    assertThat(sent).extracting(OutgoingEmail::to).containsExactly("ada@example.com", "bob@example.com");
  }

  @Test
  void eachMessageIsTaggedWithItsClaimForReconciliation() {
    var order = Events.order("o-8", "ada@example.com", LINES, "EUR");
    handler.handle(order);
    assertThat(sent.get(0).tags()).containsEntry(ConfirmationEmailHandler.CLAIM_TAG,
        ClaimTicket.tag("email", ConfirmationEmailHandler.claimKey(order.userId(), "o-8")))
        .containsKey(ConfirmationEmailHandler.TOKEN_TAG);
    assertThat(sent.get(0).tags().get(ConfirmationEmailHandler.TOKEN_TAG)).matches("[A-Za-z0-9_-]{1,256}");
  }

  private static OrderPlaced withUser(OrderPlaced order, String userId) {
    return new OrderPlaced(order.metadata(), userId, order.orderId(), order.orderDate(),
        order.status(), order.total(), order.currency(), order.items(), order.customerEmail());
  }

  @Test
  void theSenderAddressIsCheckedWhenConfigured() {
    assertThatThrownBy(() -> new ConfirmationEmailSettings("shop", null, Locale.US)).hasMessageContaining("'shop'");
  }

  @Test
  void unknownCurrencyCodesStillRenderReadably() {
    assertThat(Money.format(new BigDecimal("12.5"), "XZZ", Locale.US)).isEqualTo("12.50 XZZ");
    assertThat(Money.format(new BigDecimal("1234.5"), "GBP", Locale.UK)).isEqualTo("£1,234.50");
  }

  /**
   * The send slot is reserved before the claim and waited for after it: while the handler waits for its
   * slot the claim is already held (its write overlaps the wait), and a worker with no slot free within
   * the wait writes no claim at all.
   */
  @Test
  void theSendSlotIsReservedBeforeTheClaimAndAwaitedAfterItRightBeforeTheSend() {
    List<Integer> claimsHeldWhileWaiting = new ArrayList<>();
    List<Integer> sentWhileWaiting = new ArrayList<>();
    SendRate rate = new SendRate(3, Duration.ofMillis(600), pause -> {
      claimsHeldWhileWaiting.add(claims.inProgress().size());
      sentWhileWaiting.add(sent.size());
    });
    ConfirmationEmailHandler paced = new ConfirmationEmailHandler(fake,
        new ConfirmationEmailSettings("orders@shop.example", null, Locale.US), new OnceOnly(claims), rate);

    paced.handle(Events.order("o-1", "ada@example.com", LINES, "EUR"));
    paced.handle(Events.order("o-2", "bob@example.com", LINES, "EUR"));
    assertThat(claimsHeldWhileWaiting).as("the second send waited for its slot (500 ms after the first)")
        .containsExactly(1);
    assertThat(sentWhileWaiting).as("and sent only after the wait").containsExactly(1);

    assertThatThrownBy(() -> paced.handle(Events.order("o-3", "cy@example.com", LINES, "EUR")))
        .as("the next slot is 1 s away, past the 600 ms wait").hasMessageContaining("no send slot within 600 ms");
    assertThat(claims.inProgress()).as("no claim written without a slot").isEmpty();
    assertThat(claims.completed()).hasSize(2);
    assertThat(sent).hasSize(2);
  }
}
