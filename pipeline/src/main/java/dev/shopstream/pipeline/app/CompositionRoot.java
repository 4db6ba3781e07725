package dev.shopstream.pipeline.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.handlers.EventHandler;
import dev.shopstream.handlers.HandlerResources;
import dev.shopstream.handlers.analytics.AnalyticsSyncHandler;
import dev.shopstream.handlers.idempotency.LeaseView;
import dev.shopstream.handlers.tracing.Tracing;
import dev.shopstream.pipeline.diff.ImageDiffer;
import dev.shopstream.pipeline.dlq.DeadLetter;
import dev.shopstream.pipeline.dlq.DeadLetterCodec;
import dev.shopstream.pipeline.dlq.DeadLetterQueue;
import dev.shopstream.pipeline.dlq.DeadLetterRedrive;
import dev.shopstream.pipeline.dlq.DynamoErrorStarts;
import dev.shopstream.pipeline.dlq.OverflowStore;
import dev.shopstream.pipeline.dlq.S3OverflowStore;
import dev.shopstream.pipeline.dlq.SqsDeadLetterQueue;
import dev.shopstream.pipeline.dlq.StreamRecordFetcher;
import dev.shopstream.pipeline.fleet.FleetMetrics;
import dev.shopstream.pipeline.fleet.FleetReader;
import dev.shopstream.pipeline.fleet.FleetWatch;
import dev.shopstream.pipeline.fleet.LeaseHandling;
import dev.shopstream.pipeline.fleet.OwnShard;
import dev.shopstream.pipeline.kcl.KclApplication;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
import dev.shopstream.pipeline.kcl.TrimmedDataMonitor;
import dev.shopstream.pipeline.kcl.TrimmedDataSettings;
import dev.shopstream.pipeline.processing.Pause;
import dev.shopstream.pipeline.processing.PipelineMetrics;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.processing.RecordTracing;
import dev.shopstream.pipeline.processing.RepeatedErrors;
import dev.shopstream.pipeline.processing.ShardLeases;
import dev.shopstream.pipeline.processing.ShardProgress;
import dev.shopstream.pipeline.replay.CountingDeadLetters;
import dev.shopstream.pipeline.replay.Replay;
import dev.shopstream.pipeline.replay.ReplayTables;
import dev.shopstream.pipeline.routing.EventRouter;
import dev.shopstream.pipeline.snapshot.ExportLocation;
import dev.shopstream.pipeline.snapshot.GapRepairJobs;
import dev.shopstream.pipeline.snapshot.GapRepairs;
import dev.shopstream.pipeline.snapshot.Snapshot;
import dev.shopstream.pipeline.snapshot.SnapshotCheckpoint;
import dev.shopstream.pipeline.snapshot.TableExports;
import dev.shopstream.pipeline.tracing.OtelTracing;
import dev.shopstream.settings.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the one place that builds the worker's object graph, from one
 * {@link WorkerConfig}, a {@link Clock} and a {@link MeterRegistry}. Every command (run, replay,
 * status, dlq list, dlq redrive), the demo, the benchmarks and the test harness take what they need
 * from here. Parts are built on first use, so a command builds (and asks settings for) only what it
 * uses: {@code status} never builds a handler. Closing it stops what handlers started and closes the AWS clients.
 */
public final class CompositionRoot implements AutoCloseable {
  private final WorkerConfig config;
  /** Who this root's worker is to KCL: the configured application, or a replay's own. */
  private final KclApplication application;
  /** The handlers this root builds: SHOP_HANDLERS', or a replay's. */
  private final List<String> handlers;
  private final HandlerCatalogue catalogue;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Consumer<DeadLetter> deadLetterObserver;
  private final DeadLetterQueue deadLetterOverride;
  private final AwsClients clients;
  private final boolean ownsClients;
  /** Tracing, when SHOP_TRACING_ENDPOINT is set; null: off. Closed with the clients. */
  private final OtelTracing tracing;
  private final ObjectMapper json = new ObjectMapper();
  private final DeadLetterCodec codec = new DeadLetterCodec(json);
  private PipelineMetrics metrics;
  /** The shard leases this worker holds, as effects are admitted under them (fencing). */
  private final ShardLeases leases;
  /** What handlers' claims are admitted by: the leases once this root runs the worker; none for a redrive. */
  private volatile LeaseView admission = LeaseView.NONE;
  private SqsDeadLetterQueue queue;
  /** What handlers started beside the clients (SES send-events readers); shared with the roots made from this one. */
  private final List<AutoCloseable> handlerResources;

  /** How long the gap repair waits for one incremental export before it gives up and tries again. */
  private static final Duration GAP_EXPORT_WAIT = Duration.ofHours(2);

  private CompositionRoot(WorkerConfig config, KclApplication application, List<String> handlers,
      HandlerCatalogue catalogue, Clock clock, MeterRegistry registry, Consumer<DeadLetter> deadLetterObserver,
      DeadLetterQueue deadLetterOverride, AwsClients clients, boolean ownsClients, OtelTracing tracing,
      List<AutoCloseable> handlerResources) {
    this.config = config;
    this.application = application;
    this.handlers = List.copyOf(handlers);
    this.tracing = tracing;
    this.catalogue = catalogue;
    this.clock = clock;
    this.registry = registry;
    this.deadLetterObserver = deadLetterObserver;
    this.deadLetterOverride = deadLetterOverride;
    this.leases = new ShardLeases(application.name());
    this.clients = clients;
    this.ownsClients = ownsClients;
    this.handlerResources = handlerResources;
  }

  /** The product as deployed: the standard handlers. */
  public static CompositionRoot create(WorkerConfig config, Clock clock, MeterRegistry registry) {
    return create(config, HandlerCatalogue.standard(), clock, registry);
  }

  /** @param catalogue the handlers {@code SHOP_HANDLERS} may name (the demo and tests add their own) */
  public static CompositionRoot create(WorkerConfig config, HandlerCatalogue catalogue, Clock clock,
      MeterRegistry registry) {
    OtelTracing tracing = config.tracing().endpoint()
        .map(endpoint -> new OtelTracing(endpoint, config.tracing().attribute(), config.application().workerId()))
        .orElse(null);
    AwsClients clients = AwsClients.create(config.aws(), config.engine().recordThreads(),
        config.idempotency().effectWindow(), new TrimmedDataMonitor(registry, config.trimmedData().policy().name(),
            clock), tracing == null ? null : tracing.awsCalls());
    return new CompositionRoot(config, config.application(), config.handlers(), catalogue, clock, registry,
        letter -> { }, null, clients, true, tracing, new CopyOnWriteArrayList<>());
  }

  /**
   * Reads the configuration for {@code catalogue}'s handlers from {@code env}.
   *
   * @throws ConfigException naming every invalid or unknown key
   */
  public static WorkerConfig configuration(Map<String, String> env, HandlerCatalogue catalogue) {
    return WorkerConfig.load(env, catalogue, defaultWorkerId());
  }

  /** This root, also telling {@code observer} of each letter parked (the demo prints them). */
  public CompositionRoot observingDeadLetters(Consumer<DeadLetter> observer) {
    return new CompositionRoot(config, application, handlers, catalogue, clock, registry, observer, deadLetterOverride,
        clients, ownsClients, tracing, handlerResources);
  }

  public WorkerConfig config() {
    return config;
  }

  public AwsClients clients() {
    return clients;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * The worker: KCL, the shard processors and the record engine, with the enabled handlers, and the
   * fleet view (its metrics, and this worker's shards reported into their leases).
   */
  public ShopStreamWorker worker() {
    return worker(shard -> true, true);
  }

  /** @param selectedShards records of other shards are passed over (a replay of chosen shards); no fleet view */
  public ShopStreamWorker worker(Predicate<String> selectedShards) {
    return worker(selectedShards, false);
  }

  private ShopStreamWorker worker(Predicate<String> selectedShards, boolean watchFleet) {
    admission = leases;
    RepeatedErrors repeatedErrors = new RepeatedErrors(new DynamoErrorStarts(clients.dynamo(),
        config.idempotency().table(), clock, config.idempotency().retention()), deadLetterQueue(),
        config.retry().errorStartsBeforeParking(), clock);
    metrics().registerAlarmed(handlers,
        Arrays.stream(DeadLetter.Kind.values()).map(Enum::name).toList());
    GapRepairs repairs = watchFleet && config.trimmedData().repairs() ? gapRepairs() : null;
    RecordProcessor records = recordProcessor(); // the handlers' settings checked before any AWS call of KCL's
    ShopStreamWorker.KclClients kcl = new ShopStreamWorker.KclClients(clients.streamArn(config.table()),
        clients.dynamoAsync(), clients.kclStreams(), clients.cloudWatch());
    return ShopStreamWorker.create(config.worker(application, handlers), kcl, records, metrics(), registry, clock,
        selectedShards, leases, repeatedErrors, watchFleet ? progress -> fleetWatch(progress, kcl.streamArn()) : null,
        repairs);
  }

  /** The fleet view: this worker's shards (exact, from their processors) and everyone else's, from the lease table. */
  private FleetWatch fleetWatch(ShardProgress progress, String streamArn) {
    Duration interval = config.fleetView().interval();
    FleetReader reader = FleetReader.forWorker(clients.dynamo(), clients.streams(), application.name(),
        streamArn, application.workerId(), config.kcl().failover(), interval, clock);
    // a shard not read yet has no lag to tell (its lease keeps its last holder's report, which the gap repair reads)
    Supplier<Collection<OwnShard>> own = () -> progress.snapshot().stream()
        .filter(shard -> !shard.released() && shard.read())
        .map(shard -> new OwnShard(shard.shardId(), shard.lag(), shard.lastCheckpointAt())).toList();
    return new FleetWatch(reader, clients.dynamo(), application.workerId(), new FleetMetrics(registry, reader, clock),
        own, interval, clock);
  }

  /**
   * The REPAIR policy: told of every shard found past the stream's retention, it repairs the analytics sink
   * from incremental exports into SHOP_GAP_REPAIR_BUCKET, under {@code <prefix>/<application>/}.
   */
  private GapRepairs gapRepairs() {
    TrimmedDataSettings trimmed = config.trimmedData();
    String folder = trimmed.repairPrefix() + "/" + application.name();
    TableExports exports = tableExports();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    GapRepairs.Exports incremental = new GapRepairs.Exports() {
      @Override
      public Instant earliestRestorable() {
        return exports.earliestRestorable(config.table());
      }

      @Override
      public ExportLocation incremental(Instant from, Instant to) {
        return exports.requestIncremental(config.table(), trimmed.repairBucket(), folder + "/exports", from, to,
            GAP_EXPORT_WAIT, snapshotCheckpointName(), quiet);
      }
    };
    LeaseHandling leaseHandling = new LeaseHandling(clients.dynamo(), application.name());
    GapRepairs repairs = new GapRepairs(new GapRepairJobs(clients.s3(), trimmed.repairBucket(), folder), incremental,
        snapshot(false, quiet), this::snapshotCheckpoint, leaseHandling::handledThrough, leaseHandling::owners,
        application.workerId(), clock, registry);
    clients.trimmedData().listenWith(repairs::gapFound);
    return repairs;
  }

  /**
   * The record-handling part of the worker, without KCL: also what the DLQ redrive runs records through.
   *
   * @throws ConfigException naming every missing or invalid setting of the enabled handlers
   */
  public RecordProcessor recordProcessor() {
    EventRouter router = new EventRouter(handlers());
    return new RecordProcessor(ImageDiffer.standard(clock), router, deadLetterQueue(), metrics(),
        config.retry().policy(), Pause.SYSTEM, clock,
        tracing == null ? RecordTracing.OFF : tracing);
  }

  /** The enabled handlers, built after checking their settings. */
  public List<EventHandler> handlers() {
    return catalogue.build(handlers, config.handlerSettings(), resources());
  }

  /** Checks every dependency the run command needs (the handlers' settings first). */
  public Preflight.Report preflight() {
    return Preflight.run(config, clients, catalogue.configure(handlers, config.handlerSettings()), resources());
  }

  /**
   * Where records that cannot be handled are parked: the SQS queue of {@code SHOP_DLQ_URL} (its
   * MaximumMessageSize read once, on first use), letters above it stored in the overflow bucket.
   */
  public DeadLetterQueue deadLetterQueue() {
    DeadLetterQueue target = deadLetterOverride != null ? deadLetterOverride : sqsDeadLetterQueue();
    return letter -> {
      target.park(letter);
      deadLetterObserver.accept(letter);
    };
  }

  /** The SQS queue behind {@link #deadLetterQueue()} (one per root: it reads the queue's size limit once). */
  public synchronized SqsDeadLetterQueue sqsDeadLetterQueue() {
    if (queue == null) {
      queue = new SqsDeadLetterQueue(clients.sqs(), config.deadLetters().queueUrl(), codec, overflow(), registry);
    }
    return queue;
  }

  /** Listing and redriving the dead-letter queue: letters in S3 fetched, stream references re-read. */
  public DeadLetterRedrive deadLetterRedrive() {
    return new DeadLetterRedrive(clients.sqs(), config.deadLetters().queueUrl(), codec, overflow(),
        new StreamRecordFetcher(clients.streams(), clients::streamArn));
  }

  /**
   * The record path of {@code dlq redrive}: a record that still fails stays where it is, so this one
   * parks nothing.
   */
  public RecordProcessor redriveProcessor() {
    return withDeadLetters(letter -> {
      throw new IllegalStateException("redrive parks nothing: the letter stays in the queue");
    }).recordProcessor();
  }

  private OverflowStore overflow() {
    return config.deadLetters().overflowBucket().<OverflowStore>map(bucket -> new S3OverflowStore(clients.s3(), bucket))
        .orElse(null);
  }

  private CompositionRoot withDeadLetters(DeadLetterQueue queue) {
    return new CompositionRoot(config, application, handlers, catalogue, clock, registry, deadLetterObserver, queue,
        clients, false, tracing, handlerResources);
  }

  /**
   * What {@code status} reads: every shard of the table's stream with its owner, checkpoint and lag, and
   * the workers, from the lease table of {@code applicationName}. Read it repeatedly (lease renewals are
   * judged across reads).
   */
  public FleetReader fleet(String applicationName) {
    return FleetReader.forStatus(clients.dynamo(), clients.streams(), applicationName,
        clients.streamArn(config.table()), config.kcl().failover(), config.fleetView().interval(), clock);
  }

  /**
   * A replay of the stream into {@code options}' handlers, under its own application and lease tables;
   * what it cannot handle is counted, or parked in the live queue when asked.
   *
   * @throws IllegalArgumentException when the application name is not a replay's or its tables exist
   */
  public Replay.Summary replay(Replay.Options options, PrintStream out) {
    KclApplication replayApplication = new KclApplication(options.applicationName(), "replay-" + UUID.randomUUID(),
        KclApplication.StartPosition.TRIM_HORIZON);
    List<String> replayHandlerNames = options.dryRun() ? List.of(Replay.DRY_RUN) : options.handlers();
    HandlerCatalogue replayHandlers = catalogue.with(Replay.DRY_RUN, Replay.DryRun::new)
        .map(handler -> Replay.onlyFrom(handler, options.from()));
    SimpleMeterRegistry counts = new SimpleMeterRegistry();
    CountingDeadLetters counted = new CountingDeadLetters();
    CompositionRoot replayRoot = new CompositionRoot(config, replayApplication, replayHandlerNames, replayHandlers,
        clock, counts, letter -> { }, options.parkDeadLetters() ? deadLetterQueue() : counted, clients, false,
        tracing, handlerResources);
    return new Replay(clock, out, clients.dynamo(), clients.streams()).run(options, liveTables(),
        clients.streamArn(config.table()), replayHandlerNames, shards -> {
          ShopStreamWorker worker = replayRoot.worker(shards);
          return new Replay.Run() {
            @Override
            public void start() {
              worker.start();
            }

            @Override
            public ShardProgress progress() {
              return worker.progress();
            }

            @Override
            public void stop() {
              worker.stop();
            }
          };
        }, counts, counted);
  }

  /** The live worker's tables, which a replay must never touch. */
  public ReplayTables.Live liveTables() {
    return new ReplayTables.Live(application.name(), config.table(), config.idempotency().table());
  }

  /** Requests, finds and lists table exports (DynamoDB and S3). */
  public TableExports tableExports() {
    return new TableExports(clients.dynamo(), clients.s3(), clock);
  }

  /** Name of the snapshot's checkpoint object in an export's folder: one per application. */
  public String snapshotCheckpointName() {
    return "shop-stream-snapshot-" + application.name() + ".json";
  }

  public SnapshotCheckpoint snapshotCheckpoint(ExportLocation export) {
    return new SnapshotCheckpoint(clients.s3(), export.bucket(), export.checkpointKey());
  }

  /**
   * The snapshot: every row's state to the analytics handler only (never email or waitlist), whatever
   * SHOP_HANDLERS says; a dry run builds no handler, so it needs no analytics settings.
   *
   * @throws ConfigException when the analytics handler's settings are missing or invalid
   */
  public Snapshot snapshot(boolean dryRun, PrintStream out) {
    EventHandler analytics = null;
    if (!dryRun) {
      analytics = catalogue.build(List.of(AnalyticsSyncHandler.NAME), config.handlerSettings(), resources()).get(0);
    }
    return new Snapshot(ImageDiffer.standard(clock), clients.s3(), analytics, config.table(), clock, out);
  }

  private synchronized PipelineMetrics metrics() {
    if (metrics == null) {
      metrics = new PipelineMetrics(registry);
    }
    return metrics;
  }

  /** Stops what the handlers started, then closes the AWS clients (when this root made them). */
  @Override
  public void close() {
    for (AutoCloseable resource : handlerResources) {
      try {
        resource.close();
      } catch (Exception e) {
        LoggerFactory.getLogger(CompositionRoot.class).warn("closing a handler resource failed: {}", e.toString());
      }
    }
    handlerResources.clear();
    if (ownsClients) {
      clients.close();
      if (tracing != null) {
        tracing.close();
      }
    }
  }

  /**
   * What the handlers built now share: clients on first use, one claim store, fenced by the leases this root's
   * worker holds once it runs.
   */
  private HandlerResources resources() {
    return new WorkerResources(clients, config.table(), config.idempotency(), application, () -> admission, clock,
        json, tracing == null ? Tracing.OFF : tracing, handlerResources::add);
  }

  static String defaultWorkerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "worker";
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
