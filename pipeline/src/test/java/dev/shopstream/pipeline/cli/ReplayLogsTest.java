package dev.shopstream.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** While a replay runs, log lines (per-record ones included) go to a file, not among its progress on stdout. */
class ReplayLogsTest {
  private static final Logger RECORD_LOG =
      LoggerFactory.getLogger("dev.shopstream.pipeline.processing.RecordProcessor");

  @Test
  void logLinesGoToTheFileWhileTheReplayRunsAndBackAfterwards(@TempDir Path dir) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    try {
      Path file = dir.resolve("replay.log");
      try (ReplayLogs ignored = ReplayLogs.toFile(file)) {
        System.out.println("  [####................] shard 1,000 records");
        for (int i = 0; i < 50; i++) {
          RECORD_LOG.error("record {}: the dead-letter queue refused it", i);
        }
        System.out.println("  [########............] shard 2,000 records");
      }
      RECORD_LOG.error("after the replay");

      String printed = stdout.toString(StandardCharsets.UTF_8);
      assertThat(printed.lines()).startsWith("  [####................] shard 1,000 records",
          "  [########............] shard 2,000 records");
      assertThat(printed).doesNotContain("record 0:", "record 49:").contains("after the replay");
      assertThat(Files.readAllLines(file)).hasSize(50)
          .allSatisfy(line -> assertThat(line).contains("dead-letter queue refused"));
    } finally {
      System.setOut(original);
    }
  }
}
