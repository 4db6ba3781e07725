package dev.shopstream.testkit.topology;

import dev.shopstream.testkit.HttpRelay;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shopstream.local.aws.LocalAws;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A loopback HTTP proxy in front of moto that makes one table's stream look like a production stream:
 * N shards instead of moto's one (each record in the shard whose hash-key range holds the MD5 of its
 * partition key, as table partitions do), shards that close and open children (rollover: one child;
 * split: two), and faults on command (expired iterators, throttling, trimmed data, empty polls).
 *
 * <p>Every request is forwarded to moto untouched except DynamoDB Streams' DescribeStream,
 * GetShardIterator and GetRecords for this table's stream, which are answered from an in-memory copy
 * of moto's one real shard ({@link StreamTail}): what the adapter reads (shard ids, ParentShardId,
 * SequenceNumberRange, paging by ExclusiveStartShardId / LastEvaluatedShardId, the CHILD_SHARDS
 * filter, no NextShardIterator at a closed shard's end) is all here. Point a worker at it with
 * {@code SHOP_DYNAMODB_ENDPOINT}. Test and benchmark tooling only; never in the worker jar.
 */
public final class StreamTopologyProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamTopologyProxy.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> HOP_HEADERS = HttpRelay.HOP_HEADERS;

  private final URI moto;
  private final String streamArn;
  private final HttpServer server;
  private final ExecutorService threads;
  private final HttpClient http;
  private final StreamRecordLog log;
  private final StreamTail tail;
  private final ShardTopology topology;
  private final JsonNode description;
  private final ScheduledExecutorService schedule;
  private final AtomicLong iteratorEpoch = new AtomicLong();
  private final AtomicInteger throttleNext = new AtomicInteger();
  private final AtomicInteger emptyNext = new AtomicInteger();
  private volatile boolean held;
  private volatile Instant restorableSince;
  private final Map<StreamFault, AtomicInteger> served = new EnumMap<>(StreamFault.class);
  private final Map<String, AtomicInteger> recordsServed = new ConcurrentHashMap<>();

  private StreamTopologyProxy(URI moto, String table, int shards) throws IOException {
    this.moto = moto;
    for (StreamFault fault : StreamFault.values()) {
      served.put(fault, new AtomicInteger());
    }
    try (DynamoDbClient dynamo = LocalAws.client(DynamoDbClient.builder(), moto)) {
      var described = dynamo.describeTable(r -> r.tableName(table)).table();
      this.streamArn = described.latestStreamArn();
      if (streamArn == null) {
        throw new IllegalArgumentException("table " + table + " has no stream");
      }
      this.log = new StreamRecordLog(described.keySchema().get(0).attributeName());
    }
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .build();
    StreamsApiCall calls = new StreamsApiCall(http, moto);
    this.description = calls.call("DescribeStream", Map.of("StreamArn", streamArn)).path("StreamDescription");
    JsonNode realShard = description.path("Shards").get(0);
    BigInteger first = new BigInteger(realShard.path("SequenceNumberRange").path("StartingSequenceNumber").asText());
    this.topology = new ShardTopology(shards, first);
    this.tail = new StreamTail(calls, streamArn, realShard.path("ShardId").asText(), log, Duration.ofMillis(20));
    this.threads = Executors.newFixedThreadPool(32, runnable -> {
      Thread thread = new Thread(runnable, "topology-proxy");
      thread.setDaemon(true);
      return thread;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
    this.schedule = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "topology-schedule");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Starts a proxy in front of {@code moto} presenting {@code table}'s stream (which must exist) as
   * {@code shards} open shards.
   */
  public static StreamTopologyProxy start(URI moto, String table, int shards) {
    try {
      return new StreamTopologyProxy(moto, table, shards);
    } catch (IOException e) {
      throw new IllegalStateException("could not open a loopback port for the stream topology proxy", e);
    }
  }

  /** The endpoint to give workers as SHOP_DYNAMODB_ENDPOINT (DynamoDB calls pass through to moto). */
  public URI endpoint() {
    return LocalAws.loopback(server.getAddress().getPort());
  }

  public String streamArn() {
    return streamArn;
  }

  /** Ids of every shard, closed ones included, in creation order. */
  public List<String> shardIds() {
    return topology.all().stream().map(VirtualShard::id).toList();
  }

  public List<String> openShardIds() {
    return topology.open().stream().map(VirtualShard::id).toList();
  }

  /** The parent of a shard, or null for a shard of the first generation. */
  public String parentOf(String shardId) {
    return topology.find(shardId).map(VirtualShard::parentId).orElse(null);
  }

  /** The shard that holds records of this partition key value now (the open one covering its hash). */
  public String openShardFor(String partitionKeyValue) {
    long hash = StreamRecordLog.hash(partitionKeyValue);
    return topology.open().stream().filter(s -> hash >= s.hashFrom() && hash < s.hashTo()).findFirst()
        .map(VirtualShard::id).orElseThrow();
  }

  /**
   * Closes a shard after the last record written so far (later records of its keys go to the
   * children) and opens {@code children} (1: rollover, as every 4 h; 2: split). Returns the children.
   */
  public List<String> close(String shardId, int children) {
    if (children < 1 || children > 2) {
      throw new IllegalArgumentException("children must be 1 or 2");
    }
    BigInteger through = tail.catchUp();
    VirtualShard shard = topology.find(shardId).orElseThrow(() -> new IllegalArgumentException("no shard " + shardId));
    BigInteger end = through == null || through.compareTo(shard.startAfter()) < 0 ? shard.startAfter() : through;
    List<String> opened = topology.close(shardId, end, children).stream().map(VirtualShard::id).toList();
    LOG.info("closed {} through {}, children {}", shardId, end, opened);
    return opened;
  }

  /** Splits every open shard into two children. */
  public void splitAll() {
    openShardIds().forEach(id -> close(id, 2));
  }

  /** Closes every open shard with one child every {@code period}, as DynamoDB rolls shards over (every ~4 h). */
  public void rolloverEvery(Duration period) {
    schedule.scheduleAtFixedRate(() -> openShardIds().forEach(id -> close(id, 1)), period.toMillis(),
        period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every shard iterator issued so far is refused from now on with ExpiredIteratorException. */
  public void expireIterators() {
    iteratorEpoch.incrementAndGet();
  }

  /** The next {@code calls} GetRecords calls of this stream are refused with LimitExceededException. */
  public void throttleNextGetRecords(int calls) {
    throttleNext.set(calls);
  }

  /**
   * The next {@code calls} GetRecords calls answer no records (position unchanged), as a real shard may before data.
   */
  public void emptyPollsBeforeData(int calls) {
    emptyNext.set(calls);
  }

  /**
   * While held, every GetRecords answers no records (positions unchanged): lets a benchmark start its
   * workers and let them share out the leases before any record flows.
   */
  public void holdRecords(boolean hold) {
    held = hold;
  }

  /**
   * Every record of {@code shardId} written so far is gone, as past the stream's 24 h retention: a
   * position before it gets TrimmedDataAccessException; TRIM_HORIZON starts after it.
   */
  public void trimAll(String shardId) {
    BigInteger through = tail.catchUp();
    if (through != null) {
      topology.trim(shardId, through);
    }
  }

  /**
   * DescribeContinuousBackups answers that point-in-time recovery has been on since {@code since}, as for a table
   * that has had it for long. moto dates it from when it was switched on, minutes before, so without this no
   * window of a gap repair (15 minutes at least, starting before the gap) could lie inside it; like
   * {@link #trimAll}, this stands in for time that a test cannot let pass.
   */
  public void pointInTimeRecoverySince(Instant since) {
    restorableSince = since;
  }

  /** Records read from moto's real shard so far (what the virtual shards can serve). */
  public int recordsRead() {
    return log.size();
  }

  /** How often a fault (or shard end) was answered so far. */
  public int served(StreamFault fault) {
    return served.get(fault).get();
  }

  /** Records answered per shard id so far (redeliveries counted again). */
  public Map<String, Integer> recordsServedPerShard() {
    Map<String, Integer> copy = new TreeMap<>();
    recordsServed.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      if (target != null && target.startsWith(StreamsApiCall.PREFIX)) {
        JsonNode request = JSON.readTree(body);
        if (isOurs(request)) {
          answer(exchange, target.substring(StreamsApiCall.PREFIX.length()), request);
          return;
        }
      }
      Instant since = restorableSince;
      if (since != null && "DynamoDB_20120810.DescribeContinuousBackups".equals(target)) {
        forward(exchange, body, answer -> earliestRestorable(answer, since));
        return;
      }
      forward(exchange, body, answer -> answer);
    } catch (RuntimeException | IOException e) {
      LOG.warn("topology proxy failed a request: {}", e.toString());
      try {
        send(exchange, 500, ("{\"__type\":\"InternalServerError\",\"message\":\"topology proxy: "
            + e.getClass().getSimpleName() + "\"}").getBytes(StandardCharsets.UTF_8));
      } catch (IOException | RuntimeException alreadyAnswered) {
        // the response had started; the client sees the connection close
      }
    }
  }

  private boolean isOurs(JsonNode request) {
    if (request.has("ShardIterator")) {
      return request.get("ShardIterator").asText().startsWith(VirtualIterator.PREFIX);
    }
    return streamArn.equals(request.path("StreamArn").asText(null));
  }

  private void answer(HttpExchange exchange, String operation, JsonNode request) throws IOException {
    try {
      JsonNode response = switch (operation) {
        case "DescribeStream" -> describeStream(request);
        case "GetShardIterator" -> getShardIterator(request);
        case "GetRecords" -> getRecords(request);
        default -> throw new Refusal(400, "ValidationException",
            "operation " + operation + " not supported by the topology proxy");
      };
      send(exchange, 200, JSON.writeValueAsBytes(response));
    } catch (Refusal refusal) {
      ObjectNode error = JSON.createObjectNode();
      error.put("__type", "com.amazonaws.dynamodb.v20120810#" + refusal.type);
      error.put("message", refusal.getMessage());
      send(exchange, refusal.status, JSON.writeValueAsBytes(error));
    }
  }

  private JsonNode describeStream(JsonNode request) {
    List<VirtualShard> shards;
    JsonNode filter = request.path("ShardFilter");
    if ("CHILD_SHARDS".equals(filter.path("Type").asText())) {
      shards = topology.children(filter.path("ShardId").asText());
    } else {
      shards = topology.all();
      String after = request.path("ExclusiveStartShardId").asText(null);
      if (after != null) {
        int index = shards.stream().map(VirtualShard::id).toList().indexOf(after);
        shards = shards.subList(index + 1, shards.size());
      }
    }
    int limit = request.path("Limit").asInt(100);
    ObjectNode description = this.description.deepCopy();
    ArrayNode list = description.putArray("Shards");
    description.remove("LastEvaluatedShardId");
    for (int i = 0; i < shards.size(); i++) {
      if (i == limit) {
        description.put("LastEvaluatedShardId", shards.get(i - 1).id());
        break;
      }
      VirtualShard shard = shards.get(i);
      ObjectNode node = list.addObject();
      node.put("ShardId", shard.id());
      if (shard.parentId() != null) {
        node.put("ParentShardId", shard.parentId());
      }
      ObjectNode range = node.putObject("SequenceNumberRange");
      range.put("StartingSequenceNumber", shard.startingSequence().toString());
      if (shard.closed()) {
        range.put("EndingSequenceNumber", shard.endThrough().toString());
      }
    }
    ObjectNode response = JSON.createObjectNode();
    response.set("StreamDescription", description);
    return response;
  }

  private JsonNode getShardIterator(JsonNode request) {
    String shardId = request.path("ShardId").asText();
    VirtualShard shard = topology.find(shardId)
        .orElseThrow(() -> new Refusal(400, "ResourceNotFoundException",
            "Requested resource not found: shard " + shardId));
    String type = request.path("ShardIteratorType").asText();
    BigInteger horizon = shard.horizon();
    BigInteger after = switch (type) {
      case "TRIM_HORIZON" -> horizon;
      case "LATEST" -> shard.closed() ? shard.endThrough() : max(tail.catchUp(), horizon);
      case "AT_SEQUENCE_NUMBER" -> new BigInteger(request.path("SequenceNumber").asText()).subtract(BigInteger.ONE);
      case "AFTER_SEQUENCE_NUMBER" -> new BigInteger(request.path("SequenceNumber").asText());
      default -> throw new Refusal(400, "ValidationException", "unknown ShardIteratorType " + type);
    };
    if (after.compareTo(horizon) < 0) {
      served.get(StreamFault.TRIMMED).incrementAndGet();
      throw new Refusal(400, StreamFault.TRIMMED.errorType(), StreamFault.TRIMMED.message());
    }
    ObjectNode response = JSON.createObjectNode();
    response.put("ShardIterator", new VirtualIterator(shardId, after, iteratorEpoch.get()).encode());
    return response;
  }

  private JsonNode getRecords(JsonNode request) {
    VirtualIterator iterator = VirtualIterator.decode(request.path("ShardIterator").asText());
    if (iterator.epoch() < iteratorEpoch.get()) {
      throw refuse(StreamFault.EXPIRED_ITERATOR);
    }
    if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw refuse(StreamFault.THROTTLED);
    }
    VirtualShard shard = topology.find(iterator.shardId()).orElseThrow(
        () -> new Refusal(400, "ResourceNotFoundException",
            "Requested resource not found: shard " + iterator.shardId()));
    if (iterator.after().compareTo(shard.horizon()) < 0) {
      throw refuse(StreamFault.TRIMMED);
    }
    ObjectNode response = JSON.createObjectNode();
    ArrayNode records = response.putArray("Records");
    if (held || emptyNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      served.get(StreamFault.EMPTY_POLL).incrementAndGet();
      response.put("NextShardIterator", iterator.encode());
      return response;
    }
    int limit = Math.max(1, Math.min(1000, request.path("Limit").asInt(1000)));
    StreamRecordLog.Scan scan = log.scan(iterator.after(), shard.endThrough(), shard.hashFrom(), shard.hashTo(), limit);
    scan.entries().forEach(entry -> records.add(entry.record()));
    if (!scan.entries().isEmpty()) {
      recordsServed.computeIfAbsent(shard.id(), k -> new AtomicInteger()).addAndGet(scan.entries().size());
    }
    BigInteger next = max(scan.scannedTo(), iterator.after());
    if (shard.closed() && scan.entries().isEmpty() && next.compareTo(shard.endThrough()) >= 0) {
      served.get(StreamFault.SHARD_END).incrementAndGet();
      return response;
    }
    response.put("NextShardIterator", new VirtualIterator(shard.id(), next, iterator.epoch()).encode());
    return response;
  }

  private Refusal refuse(StreamFault fault) {
    served.get(fault).incrementAndGet();
    return new Refusal(400, fault.errorType(), fault.message());
  }

  private static BigInteger max(BigInteger a, BigInteger b) {
    if (a == null) {
      return b;
    }
    return b == null || a.compareTo(b) > 0 ? a : b;
  }

  private static byte[] earliestRestorable(byte[] answer, Instant since) {
    try {
      JsonNode root = JSON.readTree(answer);
      JsonNode recovery = root.path("ContinuousBackupsDescription").path("PointInTimeRecoveryDescription");
      if (recovery instanceof ObjectNode description && description.has("EarliestRestorableDateTime")) {
        description.put("EarliestRestorableDateTime", since.toEpochMilli() / 1000.0);
        return JSON.writeValueAsBytes(root);
      }
      return answer;
    } catch (IOException e) {
      return answer;
    }
  }

  private void forward(HttpExchange exchange, byte[] body, UnaryOperator<byte[]> rewrite) throws IOException {
    HttpResponse<byte[]> response;
    try {
      response = HttpRelay.send(http, moto, exchange, body, Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    byte[] answer = rewrite.apply(response.body());
    boolean rewritten = answer != response.body();
    response.headers().map().forEach((name, values) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!HOP_HEADERS.contains(lower) && !name.startsWith(":") && !(rewritten && lower.equals("x-amz-crc32"))) {
        exchange.getResponseHeaders().put(name, values);
      }
    });
    if (rewritten) {
      CRC32 crc = new CRC32();
      crc.update(answer);
      exchange.getResponseHeaders().set("x-amz-crc32", Long.toString(crc.getValue()));
    }
    exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
    if (answer.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
    exchange.getResponseHeaders().set("x-amzn-RequestId", Long.toHexString(System.nanoTime()));
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    schedule.shutdownNow();
    server.stop(0);
    threads.shutdownNow();
    tail.close();
  }

  private static final class Refusal extends RuntimeException {
    final int status;
    final String type;

    Refusal(int status, String type, String message) {
      super(message, null, false, false);
      this.status = status;
      this.type = type;
    }
  }

  /** A position in a virtual shard: records after {@code after}; refused once its epoch is expired. */
  private record VirtualIterator(String shardId, BigInteger after, long epoch) {
    static final String PREFIX = "topology:";

    String encode() {
      return PREFIX + Base64.getUrlEncoder().withoutPadding()
          .encodeToString((shardId + "|" + after + "|" + epoch).getBytes(StandardCharsets.UTF_8));
    }

    static VirtualIterator decode(String token) {
      String[] parts = new String(Base64.getUrlDecoder().decode(token.substring(PREFIX.length())),
          StandardCharsets.UTF_8)
          .split("\\|");
      return new VirtualIterator(parts[0], new BigInteger(parts[1]), Long.parseLong(parts[2]));
    }
  }
}
