package dev.shopstream.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.contracts.StateVersion;
import dev.shopstream.local.aws.LocalAws;
import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.testing.ExportFixtures;
import dev.shopstream.pipeline.testing.LocalWorkers;
import dev.shopstream.testkit.ShopItems;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code shop-stream snapshot} as a user runs it, against moto (DynamoDB, its export, S3) and fauxqs (the
 * analytics FIFO topic, read back through queues subscribed by message kind): a new export on moto (no
 * manifest), an export fixture in AWS's real layout written here into the local S3, a run stopped early and
 * resumed from its checkpoint, a dry run, and the refusals.
 */
@Tag("integration")
class SnapshotCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "shop-exports";
  private static LocalShopStack stack;
  private static S3Client s3;
  private static Map<String, String> env;

  @BeforeAll
  static void start() {
    stack = LocalWorkers.stack();
    s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), stack.moto.endpoint());
    s3.createBucket(r -> r.bucket(BUCKET));
    env = stack.workerEnvironment("snapshot-test");
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

  private record Run(int exit, String out, String err) {}

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      int exit = Main.commandLine(new Main(env)).execute(args);
      return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
      out.print(stdout.toString(StandardCharsets.UTF_8)); // in the test's report, as the user saw it
    }
  }

  private static List<JsonNode> states(int atLeast) {
    List<JsonNode> bodies = new ArrayList<>();
    for (Message message : stack.analyticsStateTap.awaitAtLeast(atLeast, Duration.ofSeconds(30))) {
      try {
        bodies.add(JSON.readTree(message.body()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return bodies;
  }

  @Test
  void aNewExportOnMotoHasNoManifestItsFilesAreListedAndEveryKnownItemsStateReachesAnalyticsOnly() {
    String table = LocalShopStack.TABLE;
    stack.dynamo.updateContinuousBackups(r -> r.tableName(table)
        .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
    stack.dynamo.putItem(r -> r.tableName(table).item(ShopItems.profile("ada", "ada@example.com", "Ada Lovelace")));
    stack.dynamo.putItem(r -> r.tableName(table).item(ShopItems.product("lamp", "Desk lamp",
        new BigDecimal("39.9"), 3)));
    stack.dynamo.putItem(r -> r.tableName(table).item(ShopItems.waitlistEntry("lamp", "grace", "grace@example.com")));
    stack.dynamo.putItem(r -> r.tableName(table).item(ShopItems.session("s-1", "ada",
        Instant.now().plus(Duration.ofDays(1)))));
    Map<String, AttributeValue> vase = new HashMap<>(ShopItems.product("vase", "Vase", BigDecimal.TEN, 1));
    vase.put("stock", AttributeValue.fromS("many"));
    stack.dynamo.putItem(r -> r.tableName(table).item(vase));
    stack.dynamo.putItem(r -> r.tableName(table).item(ShopItems.key("USER#ada", "CART#7")));
    int domainBefore = stack.analyticsTap.drain().size();
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    Run run = run("snapshot", "--bucket", BUCKET, "--prefix", "moto");

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("requested export")
        .contains("done: 6 row(s), 4 state(s) published, 1 rejected, 1 unrecognized")
        .contains("rejected: product PRODUCT#vase / META: item: attribute 'stock' must be a number (N) but is S");
    List<JsonNode> states = states(4);
    assertThat(states).extracting(s -> s.get("type").asText())
        .containsExactlyInAnyOrder("dev.shopstream.user-profile-state.v1",
        "dev.shopstream.product-state.v1", "dev.shopstream.waitlist-entry-state.v1", "dev.shopstream.session-state.v1");
    for (JsonNode state : states) {
      StateVersion version = StateVersion.parse(state.at("/data/version").asText());
      assertThat(version.origin()).isEqualTo(StateVersion.Origin.SNAPSHOT);
      assertThat(version.epochSecond()).isBetween(before.getEpochSecond(), before.getEpochSecond() + 5);
      assertThat(state.has("snapshotexport")).isTrue();
      assertThat(state.has("streamsequence")).isFalse();
    }
    JsonNode product = states.stream().filter(s -> s.get("subject").asText().equals("PRODUCT#lamp/META")).findFirst()
        .orElseThrow();
    assertThat(product.at("/data/state").toString())
        .isEqualTo("{\"name\":\"Desk lamp\",\"price\":\"39.9\",\"stock\":3}");
    assertThat(states.toString()).doesNotContain("ada@example.com").doesNotContain("grace@example.com");
    assertThat(stack.analyticsTap.drain()).as("no domain event from a snapshot").hasSize(domainBefore);
    assertThat(stack.waitlistTap.drain()).as("never the waitlist").isEmpty();
    assertThat(stack.ses.sentEmails()).as("never email").isEmpty();
  }

  @Test
  void anExportInAwsLayoutIsReadFromItsManifestStoppedEarlyAndResumedFromItsCheckpoint() throws IOException {
    String root = "aws/AWSDynamoDB/01764230000000-a1b2c3d4/";
    Instant exportTime = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    List<String> first = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      first.add(line(ShopItems.product("p-" + i, "Product " + i, new BigDecimal("1.5"), i)));
    }
    List<String> second = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      second.add(line(ShopItems.profile("u-" + i, "u" + i + "@example.com", "User " + i)));
    }
    second.add("{\"Item\": {\"PK\": {\"S\": \"USER#bad\"}}}"); // no sort key: rejected, the run goes on
    putGzip(root + "data/aaaa.json.gz", first);
    putGzip(root + "data/bbbb.json.gz", second);
    put(root + "manifest-files.json", "{\"itemCount\":1200,\"dataFileS3Key\":\"" + root + "data/aaaa.json.gz\"}\n"
        + "{\"itemCount\":301,\"dataFileS3Key\":\"" + root + "data/bbbb.json.gz\"}\n");
    put(root + "manifest-summary.json",
        "{\"version\":\"2020-06-30\",\"exportArn\":\"arn:aws:dynamodb:us-east-1:123456789012:"
        + "table/shop/export/01764230000000-a1b2c3d4\",\"exportTime\":\"" + exportTime + "\",\"itemCount\":1501,"
        + "\"outputFormat\":\"DYNAMODB_JSON\",\"manifestFilesS3Key\":\"" + root + "manifest-files.json\"}");
    String uri = "s3://" + BUCKET + "/" + root;
    stack.analyticsStateTap.drain();
    int statesBefore = stack.analyticsStateTap.drain().size();

    Run dry = run("snapshot", "--export", uri, "--dry-run");
    assertThat(dry.exit()).as(dry.out() + dry.err()).isZero();
    assertThat(dry.out()).contains("2 data file(s), 1501 item(s)")
        .contains("done: 1,501 row(s), 1,500 state(s) derived, 1 rejected");
    assertThat(stack.analyticsStateTap.drain()).as("a dry run publishes nothing").hasSize(statesBefore);

    Run stopped = run("snapshot", "--export", uri, "--max-duration", "PT0S");
    assertThat(stopped.exit()).as(stopped.out() + stopped.err()).isEqualTo(1);
    assertThat(stopped.out()).contains("stopped early: 1,000 row(s), 1,000 state(s) published");
    Run resumed = run("snapshot", "--export", uri);
    assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
    assertThat(resumed.out()).contains("resuming from s3://" + BUCKET + "/" + root
        + "shop-stream-snapshot-snapshot-test.json")
        .contains("done: 501 row(s), 500 state(s) published, 1 rejected, 0 unrecognized, 1,000 line(s) done before");

    List<JsonNode> states = states(statesBefore + 1500).subList(statesBefore, statesBefore + 1500);
    Set<String> subjects = new HashSet<>();
    states.forEach(s -> subjects.add(s.get("subject").asText()));
    assertThat(subjects).hasSize(1500).contains("PRODUCT#p-0/META", "PRODUCT#p-1199/META", "USER#u-299/PROFILE");
    assertThat(states).allSatisfy(s -> {
      assertThat(s.at("/data/version").asText()).isEqualTo(StateVersion.ofSnapshot(exportTime).toString());
      assertThat(s.get("snapshotexport").asText()).isEqualTo("01764230000000-a1b2c3d4");
    });
    JsonNode checkpoint = JSON.readTree(s3.getObjectAsBytes(r -> r.bucket(BUCKET)
        .key(root + "shop-stream-snapshot-snapshot-test.json")).asUtf8String());
    assertThat(checkpoint.get("complete").asBoolean()).isTrue();

    Run again = run("snapshot", "--export", uri);
    assertThat(again.out()).as("a finished snapshot publishes nothing again")
        .contains("done: 0 row(s), 0 state(s) published, 0 rejected, 0 unrecognized, 1,501 line(s) done before");
    assertThat(stack.analyticsStateTap.drain()).hasSize(statesBefore + 1500);
  }

  /**
   * Gap repair's reader on AWS's incremental layout (moto has no incremental export): a manifest with
   * {@code exportType INCREMENTAL_EXPORT} and its window, lines {@code {"Metadata", "Keys", "NewImage", "OldImage"}}.
   */
  @Test
  void anIncrementalExportInAwsLayoutGivesTheChangedItemsStatesAndTombstonesAsOfItsWindowsEnd() throws IOException {
    String root = "repair/AWSDynamoDB/01764300000000-b2c3d4e5/";
    Instant from = Instant.now().minus(Duration.ofHours(30)).truncatedTo(ChronoUnit.SECONDS);
    Instant to = Instant.now().minus(Duration.ofHours(6)).truncatedTo(ChronoUnit.SECONDS);
    String micros = "{\"WriteTimestampMicros\":{\"N\":\"" + from.plusSeconds(60).toEpochMilli() * 1000 + "\"}}";
    String lampKey = "{\"PK\":{\"S\":\"PRODUCT#lamp-r\"},\"SK\":{\"S\":\"META\"}}";
    String orderKey = "{\"PK\":{\"S\":\"USER#ada-r\"},\"SK\":{\"S\":\"ORDER#2026-12-01#o-9\"}}";
    putGzip(root + "data/cccc.json.gz", List.of(
        "{\"Metadata\":" + micros + ",\"Keys\":" + lampKey + ",\"OldImage\":" + item(ShopItems.product("lamp-r", "Lamp",
            BigDecimal.TEN, 0)) + ",\"NewImage\":" + item(ShopItems.product("lamp-r", "Lamp", BigDecimal.TEN, 4)) + "}",
        "{\"Metadata\":" + micros + ",\"Keys\":{\"PK\":{\"S\":\"USER#ada-r\"},\"SK\":{\"S\":\"PROFILE\"}},\"NewImage\":"
            + item(ShopItems.profile("ada-r", "ada@example.com", "Ada")) + "}",
        "{\"Metadata\":" + micros + ",\"Keys\":" + orderKey + ",\"OldImage\":"
            + item(ShopItems.order("ada-r", "2026-12-01",
            "o-9", "PLACED", "EUR", "ada@example.com", List.of(new ShopItems.Line("p", "P", 1, BigDecimal.ONE)))) + "}",
        "{\"Metadata\":" + micros + ",\"NewImage\":" + item(ShopItems.product("nokey", "No key", BigDecimal.ONE, 1))
            + "}"));
    put(root + "manifest-files.json", "{\"itemCount\":4,\"dataFileS3Key\":\"" + root + "data/cccc.json.gz\"}\n");
    put(root + "manifest-summary.json",
        "{\"version\":\"2023-08-01\",\"exportArn\":\"arn:aws:dynamodb:us-east-1:123456789012:"
        + "table/shop/export/01764300000000-b2c3d4e5\",\"exportType\":\"INCREMENTAL_EXPORT\",\"exportFromTime\":\""
        + from + "\",\"exportToTime\":\"" + to
        + "\",\"outputView\":\"NEW_AND_OLD_IMAGES\",\"itemCount\":4,\"outputFormat\":"
        + "\"DYNAMODB_JSON\",\"manifestFilesS3Key\":\"" + root + "manifest-files.json\"}");
    int statesBefore = stack.analyticsStateTap.drain().size();

    Run run = run("snapshot", "--export", "s3://" + BUCKET + "/" + root);

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("incremental export (changes from " + from + ") 01764300000000-b2c3d4e5 as of " + to)
        .contains("done: 4 row(s), 3 state(s) published, 1 rejected")
        .contains("rejected: " + root + "data/cccc.json.gz line 4: not an export line: the line has no \"Keys\"");
    List<JsonNode> states = states(statesBefore + 3).subList(statesBefore, statesBefore + 3);
    Map<String, JsonNode> bySubject = new HashMap<>();
    states.forEach(state -> bySubject.put(state.get("subject").asText(), state));
    assertThat(bySubject).containsOnlyKeys("PRODUCT#lamp-r/META", "USER#ada-r/PROFILE",
        "USER#ada-r/ORDER#2026-12-01#o-9");
    assertThat(states).allSatisfy(state -> assertThat(state.at("/data/version").asText())
        .as("every state as of the window's end").isEqualTo(StateVersion.ofSnapshot(to).toString()));
    assertThat(bySubject.get("PRODUCT#lamp-r/META").at("/data/state/stock").asLong()).isEqualTo(4);
    assertThat(bySubject.get("USER#ada-r/ORDER#2026-12-01#o-9").at("/data/deleted").asBoolean())
        .as("no NewImage: deleted").isTrue();
    assertThat(bySubject.get("USER#ada-r/ORDER#2026-12-01#o-9").at("/data/state").isNull()).isTrue();
    assertThat(states.toString()).doesNotContain("ada@example.com");
  }

  @Test
  void gapRepairOnATableWithoutPointInTimeRecoveryIsRefusedWithOneLine() {
    stack.dynamo.createTable(r -> r.tableName("no-pitr-repair").keySchema(k -> k.attributeName("PK").keyType("HASH"))
        .attributeDefinitions(a -> a.attributeName("PK").attributeType("S")).billingMode("PAY_PER_REQUEST"));
    Map<String, String> saved = env;
    env = new HashMap<>(env);
    env.put("SHOP_TABLE", "no-pitr-repair");
    try {
      Run refused = run("snapshot", "--bucket", BUCKET, "--incremental-from",
          Instant.now().minus(Duration.ofHours(30)).toString());
      assertThat(refused.exit()).isEqualTo(2);
      assertThat(refused.err().strip()).startsWith("shop-stream snapshot: refused: point-in-time recovery is off on "
          + "the table")
          .contains("take a new snapshot");
      assertThat(refused.err().strip().lines()).hasSize(1);
    } finally {
      env = saved;
    }
  }

  @Test
  void whatCannotBeUsedIsRefusedWithOneLine() throws IOException {
    String root = "nomanifest/AWSDynamoDB/0001-old/";
    putGzip(root + "data/x.json.gz", List.of(line(ShopItems.profile("x", "x@example.com", "X"))));
    String uri = "s3://" + BUCKET + "/" + root;

    Run noTime = run("snapshot", "--export", uri);
    assertThat(noTime.exit()).isEqualTo(2);
    assertThat(noTime.err().strip()).isEqualTo("shop-stream snapshot: export " + uri
        + " has no manifest-summary.json to read its export time from: pass --export-time (the ExportTime the export "
        + "was taken as of)");

    Run tooOld = run("snapshot", "--export", uri, "--export-time",
        Instant.now().minus(Duration.ofHours(25)).toString());
    assertThat(tooOld.exit()).isEqualTo(2);
    assertThat(tooOld.err()).startsWith("shop-stream snapshot: refused: the export is as of ")
        .contains("take a new export");
    assertThat(tooOld.err().strip().lines()).hasSize(1);

    Run neither = run("snapshot");
    assertThat(neither.exit()).isEqualTo(2);
    assertThat(neither.err()).contains("pass --bucket");

    stack.dynamo.createTable(r -> r.tableName("no-pitr").keySchema(k -> k.attributeName("PK").keyType("HASH"))
        .attributeDefinitions(a -> a.attributeName("PK").attributeType("S")).billingMode("PAY_PER_REQUEST"));
    Map<String, String> saved = env;
    env = new HashMap<>(env);
    env.put("SHOP_TABLE", "no-pitr");
    try {
      Run noPitr = run("snapshot", "--bucket", BUCKET);
      assertThat(noPitr.exit()).isEqualTo(2);
      assertThat(noPitr.err().strip()).isEqualTo("shop-stream snapshot: point-in-time recovery is not enabled on table "
          + "no-pitr: enable it (UpdateContinuousBackups) or pass an existing export with --export");
    } finally {
      env = saved;
    }
  }

  private static String item(Map<String, AttributeValue> item) {
    return ExportFixtures.item(item);
  }

  private static String line(Map<String, AttributeValue> item) {
    return "{\"Item\": " + ExportFixtures.item(item) + "}";
  }

  private static void putGzip(String key, List<String> lines) {
    ExportFixtures.putGzip(s3, BUCKET, key, lines);
  }

  private static void put(String key, String text) {
    ExportFixtures.put(s3, BUCKET, key, text);
  }
}
