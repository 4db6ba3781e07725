package dev.shopstream.handlers.email;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.OrderPlaced;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import java.util.Set;

/**
 * Sends the customer an order confirmation for every {@code order-placed}. An order without a
 * usable email address is not sent, and the reason is recorded.
 */
public final class ConfirmationEmailHandler implements EventHandler {
  public static final String NAME = "email";

  private final EmailSender sender;
  private final ConfirmationEmailSettings settings;
  private final OrderConfirmationRenderer renderer;

  public ConfirmationEmailHandler(EmailSender sender, ConfirmationEmailSettings settings) {
    this.sender = sender;
    this.settings = settings;
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
    String messageId = sender.send(new OutgoingEmail(settings.from(), order.customerEmail().trim(), rendered.subject(),
        rendered.html(), rendered.text(), settings.configurationSet()));
    return HandlerResult.done("confirmation of order " + order.orderId() + " sent (message id " + messageId + ")");
  }
}
