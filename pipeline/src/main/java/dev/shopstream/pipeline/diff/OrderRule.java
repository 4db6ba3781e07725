package dev.shopstream.pipeline.diff;

import dev.shopstream.contracts.TableModel;
import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EntityKey;
import dev.shopstream.contracts.EntityState;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.OrderState;
import dev.shopstream.contracts.OrderLine;
import dev.shopstream.contracts.OrderPlaced;
import dev.shopstream.contracts.OrderStatusChanged;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code USER#id / ORDER#<iso-date>#<orderId>}: INSERT -> OrderPlaced; MODIFY of {@code status}
 * -> OrderStatusChanged; any other MODIFY, and REMOVE, -> nothing.
 */
final class OrderRule implements EntityRule {
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");


  @Override
  public String entity() {
    return "order";
  }

  @Override
  public boolean matches(EntityKey key) {
    return key.partitionKey().startsWith(TableModel.USER_PREFIX)
        && key.sortKey().startsWith(TableModel.ORDER_SK_PREFIX);
  }

  @Override
  public List<DomainEvent> derive(DiffContext context) throws MalformedItemException {
    String userId = DiffContext.idAfter(TableModel.USER_PREFIX, context.key().partitionKey());
    OrderKey key = OrderKey.parse(context.key().sortKey());
    return switch (context.kind()) {
      case INSERT -> List.of(placed(context, userId, key, context.requiredNewImage()));
      case MODIFY -> {
        String before = context.requiredOldImage().string("status").orElse(null);
        String after = context.requiredNewImage().requiredString("status");
        yield Objects.equals(before, after) ? List.of()
            : List.of(new OrderStatusChanged(context.metadata(EventType.ORDER_STATUS_CHANGED), userId, key.orderId(),
                before, after));
      }
      case REMOVE -> List.of();
    };
  }

  @Override
  public EntityState state(EntityKey entityKey, ItemImage item, StateStamp stamp) throws MalformedItemException {
    String userId = DiffContext.idAfter(TableModel.USER_PREFIX, entityKey.partitionKey());
    OrderKey key = OrderKey.parse(entityKey.sortKey());
    OrderState.Order order = null;
    if (item != null) {
      order = order(key, item);
    }
    return new OrderState(stamp.metadataOf(EventType.ORDER_STATE), userId, key.orderId(), key.orderDate(),
        stamp.version(), order);
  }

  private static OrderPlaced placed(DiffContext context, String userId, OrderKey key, ItemImage item)
      throws MalformedItemException {
    OrderState.Order order = order(key, item);
    return new OrderPlaced(context.metadata(EventType.ORDER_PLACED), userId, key.orderId(), key.orderDate(),
        order.status(), order.total(), order.currency(), order.items(), order.customerEmail());
  }

  /** The order an image holds, every attribute checked. */
  private static OrderState.Order order(OrderKey key, ItemImage item) throws MalformedItemException {
    String orderIdAttribute = item.string("orderId").orElse(key.orderId());
    if (!orderIdAttribute.equals(key.orderId())) {
      throw new MalformedItemException("attribute 'orderId' (" + orderIdAttribute
          + ") does not match the sort key's order id (" + key.orderId() + ")");
    }
    BigDecimal total = item.requiredNumber("total");
    if (total.signum() < 0) {
      throw new MalformedItemException("new image: attribute 'total' must not be negative, was "
          + total.toPlainString());
    }
    String currency = item.requiredString("currency");
    if (!CURRENCY.matcher(currency).matches()) {
      throw new MalformedItemException("new image: attribute 'currency' must be an ISO 4217 code like EUR, was '"
          + ItemImage.abbreviate(currency) + "'");
    }
    return new OrderState.Order(item.requiredString("status"), total, currency, lines(item),
        item.string("email").orElse(null));
  }

  private static List<OrderLine> lines(ItemImage item) throws MalformedItemException {
    List<AttributeValue> items = item.list("items").orElseThrow(() -> item.missing("items"));
    if (items.isEmpty()) {
      throw new MalformedItemException("new image: attribute 'items' is empty: an order needs at least one line");
    }
    List<OrderLine> lines = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      AttributeValue line = items.get(i);
      String path = "items[" + i + "]";
      if (line.type() != AttributeValue.Type.M) {
        throw item.wrongType(path, "a map (M)", line);
      }
      ItemImage fields = new ItemImage("new image " + path, line.m());
      long quantity = fields.count("quantity").orElseThrow(() -> fields.missing("quantity"));
      if (quantity == 0 || quantity > Integer.MAX_VALUE) {
        throw new MalformedItemException("new image " + path + ": attribute 'quantity' must be between 1 and "
            + Integer.MAX_VALUE + ", was " + quantity);
      }
      BigDecimal unitPrice = fields.requiredNumber("unitPrice");
      if (unitPrice.signum() < 0) {
        throw new MalformedItemException("new image " + path + ": attribute 'unitPrice' must not be negative");
      }
      lines.add(new OrderLine(fields.requiredString("sku"), fields.string("name").orElse(null),
          (int) quantity, unitPrice));
    }
    return lines;
  }

  /** The parts of {@code ORDER#<iso-date>#<orderId>}. */
  record OrderKey(String orderDate, String orderId) {
    static OrderKey parse(String sortKey) throws MalformedItemException {
      String rest = sortKey.substring(TableModel.ORDER_SK_PREFIX.length());
      int hash = rest.indexOf('#');
      if (hash < 0 || hash == rest.length() - 1) {
        throw new MalformedItemException("sort key '" + ItemImage.abbreviate(sortKey)
            + "' has no order id: expected ORDER#<iso-date>#<orderId>");
      }
      String date = rest.substring(0, hash);
      if (!isIsoDate(date)) {
        throw new MalformedItemException("sort key '" + ItemImage.abbreviate(sortKey)
            + "' has no ISO date after ORDER#: '" + ItemImage.abbreviate(date) + "'");
      }
      return new OrderKey(date, rest.substring(hash + 1));
    }

    private static boolean isIsoDate(String text) {
      try {
        LocalDate.parse(text);
        return true;
      } catch (DateTimeParseException notADate) {
        try {
          OffsetDateTime.parse(text);
          return true;
        } catch (DateTimeParseException notADateTime) {
          return false;
        }
      }
    }
  }
}
