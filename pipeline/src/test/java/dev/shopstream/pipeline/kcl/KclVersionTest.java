package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.streamsadapter.StreamsSchedulerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.coordinator.Scheduler;

/**
 * The worker works around KCL and Streams-adapter behaviour in a few places (docs/architecture.md, KCL
 * workarounds). Each was examined against one KCL and one adapter version; this test fails as soon as
 * another version is on the classpath, listing what to re-check, so that each workaround is looked at
 * again (still needed? still right?) before the examined versions below are moved on.
 */
class KclVersionTest {
  /** The KCL version the workarounds were last examined against (pom.xml: kcl.version). */
  static final String KCL_EXAMINED = "3.3.0";
  /** The adapter version the workarounds were last examined against (pom.xml: ddb-streams-adapter.version). */
  static final String ADAPTER_EXAMINED = "2.0.1";

  /** @param where a class of this package, or "logback.xml" for a log level set against noise */
  record Workaround(String where, String what, String recheck) {
    String line() {
      return "  - " + where + (what.isEmpty() ? "" : " (" + what + ")") + ": " + recheck;
    }
  }

  static final List<Workaround> WORKAROUNDS = List.of(
      new Workaround("EagerLeaseSync", "SHOP_KCL_EAGER_LEASE_SYNC",
          "does KCL still wait a random 1-30 s on an empty lease table (Scheduler.shouldInitiateLeaseSync)?"),
      new Workaround("LeaseAssignmentPin", "with CLIENT_VERSION_CONFIG_COMPATIBLE_WITH_2X in KclSchedulerBuilder",
          "does 2.x-compatible mode still flip to KCL 3's leader after 10 min, and is the pin still item Migration3.0, "
              + "attribute cv, value CLIENT_VERSION_2X?"),
      new Workaround("LeaseRelease", "",
          "does KCL's graceful shutdown still leave the leases owned until they expire?"),
      new Workaround("ShopStreamWorker", "awaitGracefulShutdown",
          "does KCL's graceful shutdown still hang when a consumer ended or lost its shard just before?"),
      new Workaround("KclShutdownNoise", "",
          "does the scheduler still log 'LeaderDecider uninitialized' every turn after a graceful stop, and "
              + "'Shutdown requested a second time.', with these texts and logger name?"),
      new Workaround("KclSchedulerBuilder", "shardSyncIntervalMillis(0)",
          "does the adapter still idle 60 s after its initial shard sync?"),
      new Workaround("KclSchedulerBuilder", "leasesRecoveryAuditorInconsistencyConfidenceThreshold(0)",
          "does the adapter still set it itself, with a WARN?"),
      new Workaround("KclSchedulerBuilder", "leader lock duration and heartbeat",
          "are KCL's leader-lock defaults still a 2-minute lease with a 30 s heartbeat?"),
      new Workaround("StreamReadClient", "",
          "does the adapter still run GetRecords with supplyAsync on the common pool, and does createScheduler "
              + "still take our client?"),
      new Workaround("RecordsConvertedOnce", "with LeanStreamRecord",
          "does the adapter's response still convert every record again on each records() call, and does KCL "
              + "still read a record's data only for its size and the KPL header?"),
      new Workaround("AdapterJsonSize", "",
          "is the adapter's JSON form of a record still the one counted (AdapterJsonSizeTest compares)?"),
      new Workaround("TrimmedDataMonitor", "",
          "does the adapter still skip to the trim horizon with one WARN, and is the refusal still the same "
              + "exception?"),
      new Workaround("KclMicrometerMetrics", "meterName",
          "does the adapter still put the stream ARN into metric names (ShardSyncLatency:<arn>.Time)?"),
      new Workaround("logback.xml", "StreamsSchedulerFactory at ERROR",
          "does the adapter still WARN on every start that it sets the shard-sync delay to 0?"),
      new Workaround("logback.xml", "LeaseAssignmentManager at ERROR",
          "does KCL 3's assignment still WARN while a fresh leader has not heard from every worker?"),
      new Workaround("logback.xml", "PeriodicShardSyncManager OFF",
          "does KCL's hash-key-range auditor still log its periodic ERROR on DynamoDB Streams?"));

  @Test
  void theKclAndAdapterOnTheClasspathAreTheVersionsTheWorkaroundsWereExaminedAgainst() throws IOException {
    String kcl = version(Scheduler.class, "software.amazon.kinesis", "amazon-kinesis-client");
    String adapter = version(StreamsSchedulerFactory.class, "com.amazonaws", "dynamodb-streams-kinesis-adapter");
    assertThat(List.of(kcl, adapter)).withFailMessage(() -> "KCL " + kcl + " and adapter " + adapter
        + " are on the classpath; the KCL workarounds were examined against KCL " + KCL_EXAMINED + " and adapter "
        + ADAPTER_EXAMINED + ". Re-check each (docs/architecture.md, KCL workarounds), then set the examined "
        + "versions here:\n"
        + WORKAROUNDS.stream().map(Workaround::line).collect(Collectors.joining("\n")))
        .containsExactly(KCL_EXAMINED, ADAPTER_EXAMINED);
  }

  /** The list above names what exists: a class renamed or a log level removed is noticed here. */
  @Test
  void everyWorkaroundListedIsThere() throws IOException {
    String logback;
    try (InputStream in = KclVersionTest.class.getResourceAsStream("/logback.xml")) {
      assertThat(in).as("the worker's logback.xml").isNotNull();
      logback = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (Workaround workaround : WORKAROUNDS) {
      if (workaround.where().equals("logback.xml")) {
        assertThat(logback).as(workaround.line()).contains(workaround.what().split(" ")[0] + "\" level=");
      } else {
        assertThat(KclVersionTest.class.getResource(workaround.where() + ".class")).as(workaround.line()).isNotNull();
      }
    }
  }

  /** The version in the Maven metadata of the jar {@code type} is loaded from. */
  private static String version(Class<?> type, String group, String artifact) throws IOException {
    Path jar;
    try {
      jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      var entry = file.getJarEntry("META-INF/maven/" + group + "/" + artifact + "/pom.properties");
      assertThat(entry).as("Maven metadata of %s:%s in %s", group, artifact, jar).isNotNull();
      Properties properties = new Properties();
      try (InputStream in = file.getInputStream(entry)) {
        properties.load(in);
      }
      return properties.getProperty("version");
    }
  }
}
