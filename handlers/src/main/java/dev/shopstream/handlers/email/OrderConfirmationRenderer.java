package dev.shopstream.handlers.email;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import dev.shopstream.contracts.OrderLine;
import dev.shopstream.contracts.OrderPlaced;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the order confirmation from the Mustache templates next to this class: an HTML part
 * (values HTML-escaped) and a plain-text part.
 */
final class OrderConfirmationRenderer {
  private static final String TEMPLATES = "dev/shopstream/handlers/email/";

  private final Mustache html;
  private final Mustache text;
  private final Locale locale;

  OrderConfirmationRenderer(Locale locale) {
    MustacheFactory factory = new DefaultMustacheFactory(TEMPLATES);
    this.html = factory.compile("order-confirmation.html.mustache");
    this.text = factory.compile("order-confirmation.txt.mustache");
    this.locale = locale;
  }

  record Rendered(String subject, String html, String text) {}

  Rendered render(OrderPlaced order) {
    Map<String, Object> scope = Map.of(
        "orderId", order.orderId(),
        "orderDate", order.orderDate(),
        "lines", lines(order),
        "total", Money.format(order.total(), order.currency(), locale),
        "itemCount", order.items().stream().mapToInt(OrderLine::quantity).sum());
    return new Rendered("Your order " + order.orderId() + " is confirmed", run(html, scope), run(text, scope));
  }

  private List<Map<String, Object>> lines(OrderPlaced order) {
    return order.items().stream().map(line -> Map.<String, Object>of(
        "name", line.name() != null ? line.name() : line.sku(),
        "sku", line.sku(),
        "quantity", line.quantity(),
        "unitPrice", Money.format(line.unitPrice(), order.currency(), locale),
        "lineTotal", Money.format(line.lineTotal(), order.currency(), locale))).toList();
  }

  private static String run(Mustache template, Object scope) {
    StringWriter out = new StringWriter();
    template.execute(out, scope);
    return out.toString();
  }
}
