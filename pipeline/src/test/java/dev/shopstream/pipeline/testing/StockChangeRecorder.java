package dev.shopstream.pipeline.testing;

import dev.shopstream.contracts.DomainEvent;
import dev.shopstream.contracts.EventType;
import dev.shopstream.contracts.ProductStockChanged;
import dev.shopstream.handlers.EffectFailure;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResult;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * For order-property tests: records each product's stock values in the order it handles them, after
 * a random 0-20 ms (as a remote call would take), and fails permanently for the changes named
 * {@code product@stock} in {@code poisoned}. Counts two changes of one product handled at once.
 */
public final class StockChangeRecorder implements EventHandler {
  public static final String NAME = "stock-recorder";

  private final Set<String> poisoned;
  private final Map<String, List<Long>> seen = new ConcurrentHashMap<>();
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final Set<String> attempted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger overlaps = new AtomicInteger();
  private final AtomicReference<String> highestSequenceNumber = new AtomicReference<>("0");

  public StockChangeRecorder(Set<String> poisoned) {
    this.poisoned = Set.copyOf(poisoned);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<EventType> eventTypes() {
    return EnumSet.of(EventType.PRODUCT_STOCK_CHANGED);
  }

  @Override
  public HandlerResult handle(DomainEvent event) {
    ProductStockChanged change = (ProductStockChanged) event;
    String product = change.productId();
    String id = product + "@" + change.newStock();
    highestSequenceNumber.accumulateAndGet(event.metadata().source().sequenceNumber(),
        (a, b) -> new BigInteger(a).compareTo(new BigInteger(b)) >= 0 ? a : b);
    if (!busy.add(product)) {
      overlaps.incrementAndGet();
    }
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(21));
      attempted.add(id);
      if (poisoned.contains(id)) {
        throw EffectFailure.permanent("poisoned change " + id, null);
      }
      seen.computeIfAbsent(product, k -> Collections.synchronizedList(new ArrayList<>())).add(change.newStock());
      return HandlerResult.done("recorded");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw EffectFailure.retryable("interrupted", e);
    } finally {
      busy.remove(product);
    }
  }

  /** The stock values handled for {@code product}, in handling order. */
  public List<Long> seen(String product) {
    return List.copyOf(seen.getOrDefault(product, List.of()));
  }

  /** Distinct changes tried (handled or failed). */
  public int attempted() {
    return attempted.size();
  }

  /** How often a change ran while another change of the same product was running. */
  public int overlaps() {
    return overlaps.get();
  }

  public String highestSequenceNumber() {
    return highestSequenceNumber.get();
  }
}
