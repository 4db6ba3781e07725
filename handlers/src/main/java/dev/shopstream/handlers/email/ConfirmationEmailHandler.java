package dev.shopstream.handlers.email;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.OrderPlaced;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.idempotency.OnceOnly;
import java.util.Map;
import java.util.Set;

/**
 * Sends the customer an order confirmation for every {@code order-placed}, once per order (claim key
 * {@code user/<user id>/order/<order id>}: order ids are only unique under their user). An order
 * without a usable email address is not sent, and the reason is recorded. Each message carries the
 * SES tags {@value #CLAIM_TAG} (a hash of the claim) and {@value #TOKEN_TAG} (the attempt's claim
 * token), which SES send events report back for reconciliation ({@link SesSendEvents}).
 */
public final class ConfirmationEmailHandler implements EventHandler {
  public static final String NAME = "email";
  public static final String CLAIM_TAG = "shop-claim";
  public static final String TOKEN_TAG = "shop-claim-token";

  private final EmailSender sender;
  private final ConfirmationEmailSettings settings;
  private final OnceOnly once;
  private final OrderConfirmationRenderer renderer;
  private final SendRate rate;

  /** @param once claims each order's confirmation, so a redelivered or replayed order is not mailed twice */
  public ConfirmationEmailHandler(EmailSender sender, ConfirmationEmailSettings settings, OnceOnly once) {
    this(sender, settings, once, null);
  }

  /** @param rate this worker's share of SES's send rate, taken before each claim (null: unlimited) */
  public ConfirmationEmailHandler(EmailSender sender, ConfirmationEmailSettings settings, OnceOnly once,
      SendRate rate) {
    this.sender = sender;
    this.settings = settings;
    this.once = once;
    this.rate = rate;
    this.renderer = new OrderConfirmationRenderer(settings.locale());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<EventType> eventTypes() {
    return Set.of(EventType.ORDER_PLACED);
  }

  @Override
  public HandlerResult handle(DomainEvent event) {
    OrderPlaced order = (OrderPlaced) event;
    if (order.customerEmail() == null || order.customerEmail().isBlank()) {
      return HandlerResult.notApplicable("order " + order.orderId() + " has no customer email: no confirmation sent");
    }
    if (!EmailAddresses.isValid(order.customerEmail().trim())) {
      return HandlerResult.notApplicable("order " + order.orderId()
          + " has an invalid customer email address: no confirmation sent");
    }
    OrderConfirmationRenderer.Rendered rendered = renderer.render(order);
    // reserved before the claim (none free: no claim written), waited for after it, right before the send
    SendRate.Slot slot = rate == null ? null : rate.reserve();
    Runnable beforeSend = slot == null ? () -> { } : slot::await;
    OnceOnly.Outcome outcome = once.run(NAME, claimKey(order.userId(), order.orderId()), order, beforeSend, ticket -> {
      String messageId = sender.send(new OutgoingEmail(settings.from(), order.customerEmail().trim(),
          rendered.subject(), rendered.html(), rendered.text(), settings.configurationSet(),
          Map.of(CLAIM_TAG, ticket.claimTag(), TOKEN_TAG, tagValue(ticket.token()))));
      return "confirmation of order " + order.orderId() + " sent (message id " + messageId + ")";
    });
    return outcome.ranNow() ? HandlerResult.done(outcome.detail()) : HandlerResult.alreadyDone(outcome.detail());
  }

  /** The claim of a user's order confirmation. */
  public static String claimKey(String userId, String orderId) {
    return "user/" + userId + "/order/" + orderId;
  }

  /** SES tag values allow letters, digits, '_' and '-' only (at most 256). */
  static String tagValue(String text) {
    String value = text.replaceAll("[^A-Za-z0-9_-]", "_");
    return value.length() <= 256 ? value : value.substring(value.length() - 256);
  }
}
