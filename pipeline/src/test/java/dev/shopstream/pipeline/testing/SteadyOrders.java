package dev.shopstream.pipeline.testing;

import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.testkit.ShopItems;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A steady order writer on its own thread: one order every {@code every}, from 64 users, each with its own
 * recipient ({@code buyer-<orderId>@example.com}), so the SES emulator's store counts mails per order.
 */
public final class SteadyOrders {
  private static final int USERS = 64;

  private final LocalShopStack stack;
  private final String prefix;
  private final Duration every;
  private final Set<String> attempted = ConcurrentHashMap.newKeySet();
  private final Set<String> written = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile RuntimeException failure;

  private SteadyOrders(LocalShopStack stack, String prefix, Duration every) {
    this.stack = stack;
    this.prefix = prefix;
    this.every = every;
    this.thread = new Thread(this::run, "steady-orders");
    thread.setDaemon(true);
  }

  /** @param prefix of the order ids ({@code <prefix><n>}) */
  public static SteadyOrders start(LocalShopStack stack, String prefix, Duration every) {
    SteadyOrders orders = new SteadyOrders(stack, prefix, every);
    orders.thread.start();
    return orders;
  }

  private void run() {
    try {
      for (int n = 0; running; n++) {
        String user = "u-" + (n % USERS);
        String orderId = prefix + n;
        String recipient = "buyer-" + orderId + "@example.com";
        attempted.add(recipient);
        Map<String, AttributeValue> order = ShopItems.order(user, "2026-12-02", orderId, "PLACED", "EUR", recipient,
            List.of(new ShopItems.Line("p-" + (n % 8), "Thing", 1, new BigDecimal("10"))));
        stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(order));
        written.add(recipient);
        Thread.sleep(every.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /** Stops after the write in progress; throws what ended the writer early, if anything did. */
  public void stop() throws InterruptedException {
    running = false;
    thread.join(30_000);
    if (failure != null) {
      throw new AssertionError("the order writer failed after " + written.size() + " orders", failure);
    }
  }

  /** Recipients of the orders written (the write returned). */
  public Set<String> recipients() {
    return Set.copyOf(written);
  }

  /** Recipients of every order a write was started for (a failed write may still have reached the table). */
  public Set<String> attempted() {
    return Set.copyOf(attempted);
  }
}
