package dev.shopstream.pipeline.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.analytics.AnalyticsSyncHandler;
import dev.shopstream.handlers.analytics.BatchingAnalyticsPublisher;
import dev.shopstream.handlers.analytics.CloudEventMapper;
import dev.shopstream.handlers.analytics.ContractValidator;
import dev.shopstream.handlers.analytics.PiiHasher;
import dev.shopstream.handlers.analytics.SnsFifoAnalyticsPublisher;
import dev.shopstream.handlers.email.ConfirmationEmailHandler;
import dev.shopstream.handlers.email.SesEmailSender;
import dev.shopstream.handlers.email.SesSendEvents;
import dev.shopstream.handlers.idempotency.DynamoIdempotencyStore;
import dev.shopstream.handlers.idempotency.IdempotencyStore;
import dev.shopstream.handlers.idempotency.OnceOnly;
import dev.shopstream.handlers.idempotency.Reconciliation;
import dev.shopstream.handlers.logging.LoggingHandler;
import dev.shopstream.handlers.waitlist.DynamoWaitlistStore;
import dev.shopstream.handlers.waitlist.SnsWaitlistNotifier;
import dev.shopstream.handlers.waitlist.StockWaitlistHandler;
import dev.shopstream.pipeline.config.HandlerSettings;
import dev.shopstream.pipeline.config.IdempotencySettings;
import dev.shopstream.pipeline.processing.HeldLeases;
import dev.shopstream.pipeline.config.WorkerConfig;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Every handler the worker can run, by the name {@code SHOP_HANDLERS} uses; built only when enabled. */
public final class HandlerCatalogue {
  /** Names accepted by {@code SHOP_HANDLERS}. */
  public static final Set<String> KNOWN = Set.of(LoggingHandler.NAME, ConfirmationEmailHandler.NAME,
      StockWaitlistHandler.NAME, AnalyticsSyncHandler.NAME);

  /** PublishBatch calls to the analytics topic in flight at once (10 messages each at most). */
  static final int ANALYTICS_CONCURRENT_BATCHES = 16;
  /** How long an analytics batch waits for company after its first message (a few ms next to SNS's 20-100 ms). */
  static final java.time.Duration ANALYTICS_LINGER = java.time.Duration.ofMillis(5);
  /** How long a record waits for its analytics message's batch before the call counts as failed (retryable). */
  static final java.time.Duration ANALYTICS_CALL_TIMEOUT = java.time.Duration.ofSeconds(30);

  private final Map<String, Supplier<EventHandler>> factories;
  private final HeldLeases leases;

  private HandlerCatalogue(Map<String, Supplier<EventHandler>> factories, HeldLeases leases) {
    this.factories = Map.copyOf(factories);
    this.leases = leases;
  }

  public static HandlerCatalogue standard(WorkerConfig config, AwsClients clients, Clock clock) {
    HandlerSettings settings = config.handlerSettings();
    ObjectMapper json = new ObjectMapper();
    IdempotencySettings idempotency = config.idempotency();
    IdempotencyStore claims = new DynamoIdempotencyStore(clients.dynamo(), idempotency.table(), clock,
        idempotency.claimTimeout(), idempotency.retention());
    HeldLeases leases = new HeldLeases(config.applicationName());
    // One owner token per worker: its own claims are recognised, a previous process's are not.
    OnceOnly once = new OnceOnly(claims, OnceOnly.newOwnerToken(config.workerId()), leases, Reconciliation.NONE, clock);
    Map<String, Supplier<EventHandler>> factories = new LinkedHashMap<>();
    factories.put(LoggingHandler.NAME, LoggingHandler::new);
    factories.put(HandlerSettings.EMAIL, () -> new ConfirmationEmailHandler(new SesEmailSender(clients.ses()),
        settings.email(), idempotency.sesEventsQueueUrl() == null ? once : once.reconciledBy(new SesSendEvents(
            clients.sqs(), idempotency.sesEventsQueueUrl(), clients.dynamo(), idempotency.table(),
            idempotency.sesEventsSettle(), idempotency.retention(), clock))));
    factories.put(HandlerSettings.WAITLIST, () -> new StockWaitlistHandler(
        new DynamoWaitlistStore(clients.dynamo(), config.table()),
        new SnsWaitlistNotifier(clients.sns(), settings.waitlistTopicArn(), json), once, clock));
    factories.put(HandlerSettings.ANALYTICS, () -> new AnalyticsSyncHandler(
        new CloudEventMapper(json, new PiiHasher(settings.analyticsPiiKey())), new ContractValidator(),
        new BatchingAnalyticsPublisher(new SnsFifoAnalyticsPublisher(clients.sns(), settings.analyticsTopicArn()),
            ANALYTICS_CONCURRENT_BATCHES, ANALYTICS_LINGER, ANALYTICS_CALL_TIMEOUT)));
    return new HandlerCatalogue(factories, leases);
  }

  /** The shard leases the worker holds, as the catalogue's handlers see them (fed by the worker's shard processors). */
  public HeldLeases leases() {
    return leases;
  }

  /** Known names plus {@code extra}: for configurations that add handlers of their own (tests). */
  public static Set<String> knownWith(String... extra) {
    Set<String> names = new LinkedHashSet<>(KNOWN);
    names.addAll(List.of(extra));
    return names;
  }

  /** This catalogue with {@code name} built by {@code factory} instead (the demo prints, tests record). */
  public HandlerCatalogue with(String name, Supplier<EventHandler> factory) {
    Map<String, Supplier<EventHandler>> copy = new LinkedHashMap<>(factories);
    copy.put(name, factory);
    return new HandlerCatalogue(copy, leases);
  }

  /** This catalogue with every handler wrapped by {@code decorator}. */
  public HandlerCatalogue map(java.util.function.UnaryOperator<EventHandler> decorator) {
    Map<String, Supplier<EventHandler>> copy = new LinkedHashMap<>();
    factories.forEach((name, factory) -> copy.put(name, () -> decorator.apply(factory.get())));
    return new HandlerCatalogue(copy, leases);
  }

  public Set<String> names() {
    return factories.keySet();
  }

  public List<EventHandler> build(List<String> names) {
    return names.stream().map(name -> {
      Supplier<EventHandler> factory = factories.get(name);
      if (factory == null) {
        throw new IllegalArgumentException("unknown handler '" + name + "'; known: " + names());
      }
      return factory.get();
    }).toList();
  }
}
