package dev.shopstream.pipeline.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class MainCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "replay", "status", "dlq list", "dlq redrive"})
  void everyCommandExplainsItselfWithAnExample(String command) {
    String[] args = (command + " --help").split(" ");
    assertThat(run(args)).isZero();
    assertThat(out.toString()).contains("Usage: shop-stream " + command).containsIgnoringCase("example");
  }

  @Test
  void badArgumentsGiveAClearLineAndANonZeroExit() {
    assertThat(run("replay", "--from", "yesterday")).isEqualTo(2);
    assertThat(err.toString().lines().findFirst()).hasValueSatisfying(line ->
        assertThat(line).contains("--from").contains("yesterday"));
    assertThat(run("replay", "--bogus")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--bogus'");
    assertThat(run("frobnicate")).isEqualTo(2);
  }
}
