package dev.shopstream.pipeline.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shopstream.contracts.EventSource;
import dev.shopstream.contracts.EventType;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.app.CompositionRoot;
import dev.shopstream.pipeline.processing.Cancellation;
import dev.shopstream.pipeline.processing.RecordProcessor;
import dev.shopstream.pipeline.stream.ChangeRecord;
import dev.shopstream.pipeline.testing.Fixtures;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.pipeline.testing.RecordingHandler;
import dev.shopstream.testkit.ShopItems;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Dead letters against a real queue that takes only 256 KiB (fauxqs, which enforces MaximumMessageSize
 * and SQS's character set) and moto's S3 and stream: a MODIFY of two ~390 KB images is parked by the
 * record loop, listed and redriven, with the letter in S3 (claim check) or, without a bucket, as a
 * stream reference re-read from the stream; a record with characters SQS refuses round-trips.
 */
@Tag("integration")
class DeadLetterOverflowTest {
  private static final int QUEUE_LIMIT = 256 * 1024;
  private static final String BUCKET = "shop-dlq-overflow";
  private static LocalShopStack stack;
  private static S3Client s3;
  private static Record bigModify;

  @BeforeAll
  static void start() {
    stack = LocalWorkers.stack();
    s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), stack.moto.endpoint());
    s3.createBucket(r -> r.bucket(BUCKET));
    Map<String, AttributeValue> profile = new HashMap<>(ShopItems.profile("big", "big@example.com", "Big"));
    profile.put("bio", AttributeValue.fromS(noise(390_000, 1)));
    stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(profile));
    profile.put("bio", AttributeValue.fromS(noise(390_000, 2)));
    stack.dynamo.putItem(r -> r.tableName(LocalShopStack.TABLE).item(profile));
    bigModify = streamRecords().stream().filter(r -> r.eventNameAsString().equals("MODIFY")).findFirst().orElseThrow();
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aModifyOfTwoBigImagesIsParkedInS3ListedAndRedriven() {
    assertThat(bigModify.dynamodb().newImage().get("bio").s()).hasSize(390_000);
    assertThat(bigModify.dynamodb().oldImage().get("bio").s()).hasSize(390_000);
    String queue = smallQueue("dlq-overflow-s3");
    Map<String, String> env = environment(queue, true);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordingHandler failing = new RecordingHandler("recorder").failPermanentlyWhen(e -> true);
    try (CompositionRoot root = root(env, failing, registry)) {
      assertThat(root.sqsDeadLetterQueue().maxMessageBytes()).isEqualTo(QUEUE_LIMIT);

      RecordProcessor.Outcome outcome = root.recordProcessor().process(change(bigModify), new Cancellation());

      assertThat(outcome).isEqualTo(RecordProcessor.Outcome.HANDLED);
      List<Message> messages = peek(queue);
      assertThat(messages).singleElement().satisfies(m -> {
        assertThat(m.body().length()).isLessThan(QUEUE_LIMIT);
        assertThat(m.body()).contains("\"recordEncoding\":\"s3\"");
      });
      assertThat(objects()).singleElement().satisfies(key -> assertThat(key).startsWith("dead-letters/shop/"));
      assertThat(registry.get("shop.dlq.oversized").tag("stored", "s3").counter().count()).isEqualTo(1);

      DeadLetterRedrive redrive = root.deadLetterRedrive();
      List<DeadLetterRedrive.Entry> listed = redrive.list(10);
      assertThat(listed).singleElement().satisfies(entry -> {
        assertThat(entry.decodeError()).isNull();
        assertThat(entry.location().storage()).isEqualTo(RecordLocation.Storage.S3);
        assertThat(entry.location().bytes()).isGreaterThan(QUEUE_LIMIT);
        assertThat(entry.letter().kind()).isEqualTo(DeadLetter.Kind.HANDLER_FAILED_PERMANENTLY);
        assertThat(entry.letter().eventType()).isEqualTo(EventType.USER_PROFILE_CHANGED.wireName());
        assertThat(entry.letter().record().dynamodb().newImage()).isEqualTo(bigModify.dynamodb().newImage());
        assertThat(entry.letter().record().dynamodb().oldImage()).isEqualTo(bigModify.dynamodb().oldImage());
      });

      RecordingHandler fixed = new RecordingHandler("recorder");
      List<DeadLetterRedrive.Outcome> outcomes = redrive.redrive(10, redriveProcessor(env, fixed)::redrive);

      assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.failure()).isNull());
      assertThat(fixed.handled()).singleElement()
          .satisfies(e -> assertThat(e.type()).isEqualTo(EventType.USER_PROFILE_CHANGED));
      assertThat(redrive.depth()).isZero();
      assertThat(objects()).as("the object goes once its letter is redriven").isEmpty();
    }
  }

  @Test
  void withoutABucketTheLetterIsParkedWithoutImagesAndRedriveReReadsTheStream() {
    String queue = smallQueue("dlq-overflow-stream");
    Map<String, String> env = environment(queue, false);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (CompositionRoot root = root(env, new RecordingHandler("recorder").failPermanentlyWhen(e -> true), registry)) {
      root.recordProcessor().process(change(bigModify), new Cancellation());

      assertThat(peek(queue)).singleElement()
          .satisfies(m -> assertThat(m.body()).contains("\"recordEncoding\":\"stream-reference\""));
      assertThat(registry.get("shop.dlq.oversized").tag("stored", "stream").counter().count()).isEqualTo(1);
      DeadLetterRedrive redrive = root.deadLetterRedrive();
      assertThat(redrive.list(10)).singleElement().satisfies(entry -> {
        assertThat(entry.location().storage()).isEqualTo(RecordLocation.Storage.STREAM_REFERENCE);
        assertThat(entry.letter().source().sequenceNumber()).isEqualTo(bigModify.dynamodb().sequenceNumber());
        assertThat(entry.letter().record().dynamodb().hasNewImage()).isFalse();
      });

      RecordingHandler fixed = new RecordingHandler("recorder");
      assertThat(redrive.redrive(10, redriveProcessor(env, fixed)::redrive))
          .singleElement().satisfies(o -> assertThat(o.failure()).isNull());
      assertThat(fixed.handled()).singleElement()
          .satisfies(e -> assertThat(e.type()).isEqualTo(EventType.USER_PROFILE_CHANGED));
      assertThat(redrive.depth()).isZero();
    }
  }

  @Test
  void aRecordWithCharactersSqsRefusesRoundTripsThroughTheQueue() {
    String queue = smallQueue("dlq-characters");
    Map<String, String> env = environment(queue, true);
    String hostile = "\uFFFE \uFFFF \uD800 lone \uDFFF \uD83D\uDE00 \u0001 end";
    Record base = Fixtures.record("profile-insert.json");
    Map<String, AttributeValue> image = new HashMap<>(base.dynamodb().newImage());
    image.put("name", AttributeValue.fromS(hostile));
    Record record = base.toBuilder().dynamodb(base.dynamodb().toBuilder().newImage(image).build()).build();
    DeadLetter letter = DeadLetter.rejected(new EventSource("shop", "shard-1", "1"), record, "bad: " + hostile,
        Instant.EPOCH);
    try (CompositionRoot root = root(env, new RecordingHandler("recorder"), new SimpleMeterRegistry())) {
      root.deadLetterQueue().park(letter);

      assertThat(root.deadLetterRedrive().list(10)).singleElement()
          .satisfies(entry -> assertThat(entry.letter()).isEqualTo(letter));
    }
  }

  @Test
  void aRefusedWriteIsCountedAndThrown() {
    String queue = smallQueue("dlq-gone");
    Map<String, String> env = environment(queue, false);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (CompositionRoot root = root(env, new RecordingHandler("recorder"), registry)) {
      SqsDeadLetterQueue dlq = root.sqsDeadLetterQueue();
      assertThat(registry.get("shop.dlq.write.failures").tag("kind", "REJECTED_RECORD").counter().count()).isZero();
      stack.sqs.deleteQueue(r -> r.queueUrl(queue));

      assertThatThrownBy(() -> dlq.park(DeadLetter.rejected(new EventSource("shop", "s", "1"), bigModify, "x",
          Instant.EPOCH)))
          .isInstanceOf(RuntimeException.class);
      assertThat(registry.get("shop.dlq.write.failures").tag("kind", "REJECTED_RECORD").counter().count()).isEqualTo(1);
    }
  }

  private static CompositionRoot root(Map<String, String> env, RecordingHandler handler, SimpleMeterRegistry registry) {
    return LocalWorkers.root(env, handler, registry);
  }

  /** What dlq redrive runs records through, with {@code handler} as the recorder. */
  private static RecordProcessor redriveProcessor(Map<String, String> env, RecordingHandler handler) {
    return root(env, handler, new SimpleMeterRegistry()).redriveProcessor();
  }

  private static ChangeRecord change(Record record) {
    return ChangeRecord.of(record, LocalShopStack.TABLE, shardId());
  }

  private static Map<String, String> environment(String queue, boolean withBucket) {
    Map<String, String> env = stack.workerEnvironment("dlq-overflow");
    env.put("SHOP_HANDLERS", "recorder");
    env.put("SHOP_DLQ_URL", queue);
    env.put("SHOP_S3_ENDPOINT", stack.moto.endpoint().toString());
    if (withBucket) {
      env.put("SHOP_DLQ_OVERFLOW_BUCKET", BUCKET);
    } else {
      env.remove("SHOP_DLQ_OVERFLOW_BUCKET");
    }
    return env;
  }

  private static String smallQueue(String name) {
    return stack.sqs.createQueue(r -> r.queueName(name)
        .attributes(Map.of(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, Integer.toString(QUEUE_LIMIT)))).queueUrl();
  }

  private static List<Message> peek(String queue) {
    return stack.sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).visibilityTimeout(0)).messages();
  }

  private static List<String> objects() {
    return s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("dead-letters/")).contents().stream()
        .map(S3Object::key).toList();
  }

  private static String shardId() {
    try (var streams = stack.moto.streamsClient()) {
      String arn = stack.dynamo.describeTable(r -> r.tableName(LocalShopStack.TABLE)).table().latestStreamArn();
      return streams.describeStream(r -> r.streamArn(arn)).streamDescription().shards().get(0).shardId();
    }
  }

  private static List<Record> streamRecords() {
    try (var streams = stack.moto.streamsClient()) {
      String arn = stack.dynamo.describeTable(r -> r.tableName(LocalShopStack.TABLE)).table().latestStreamArn();
      String shard = streams.describeStream(r -> r.streamArn(arn)).streamDescription().shards().get(0).shardId();
      String iterator = streams.getShardIterator(r -> r.streamArn(arn).shardId(shard)
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      return streams.getRecords(r -> r.shardIterator(iterator)).records();
    }
  }

  private static String noise(int length, long seed) {
    StringBuilder noise = new StringBuilder(length);
    Random random = new Random(seed);
    for (int i = 0; i < length; i++) {
      noise.append((char) ('a' + random.nextInt(26)));
    }
    return noise.toString();
  }
}
