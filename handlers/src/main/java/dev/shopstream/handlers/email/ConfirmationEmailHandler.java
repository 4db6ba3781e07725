package dev.shopstream.handlers.email;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.OrderPlaced;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import dev.shopstream.handlers.idempotency.OnceOnly;
import java.util.Set;

/**
 * Sends the customer an order confirmation for every {@code order-placed}, once per order id. An
 * order without a usable email address is not sent, and the reason is recorded.
 */
public final class ConfirmationEmailHandler implements EventHandler {
  public static final String NAME = "email";

  private final EmailSender sender;
  private final ConfirmationEmailSettings settings;
  private final OnceOnly once;
  private final OrderConfirmationRenderer renderer;

  /** @param once claims each order's confirmation, so a redelivered or replayed order is not mailed twice */
  public ConfirmationEmailHandler(EmailSender sender, ConfirmationEmailSettings settings, OnceOnly once) {
    this.sender = sender;
    this.settings = settings;
    this.once = once;
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
    OnceOnly.Outcome outcome = once.run(NAME, "order/" + order.orderId(), order.eventId(), () -> {
      String messageId = sender.send(new OutgoingEmail(settings.from(), order.customerEmail().trim(), rendered.subject(),
          rendered.html(), rendered.text(), settings.configurationSet()));
      return "confirmation of order " + order.orderId() + " sent (message id " + messageId + ")";
    });
    return outcome.ranNow() ? HandlerResult.done(outcome.detail()) : HandlerResult.alreadyDone(outcome.detail());
  }
}
