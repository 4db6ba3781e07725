package dev.shopstream.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shopstream.local.aws.PythonServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/shop-stream.yaml passes cfn-lint (hash-pinned in local-aws/requirements.txt): the resource types
 * moto's CloudFormation does not create (the CloudWatch alarms) are checked by it alone. The linter is
 * shown to be live: the same template with a 2 MiB queue message size fails.
 */
@Tag("integration")
class CloudFormationLintTest {
  private static final Path TEMPLATE = Path.of("").toAbsolutePath().getParent().resolve("docker")
      .resolve("shop-stream.yaml");

  @Test
  void theTemplatePassesCfnLint() throws Exception {
    Result result = lint(TEMPLATE);
    assertThat(result.exit).as(result.output).isZero();
  }

  @Test
  void cfnLintRejectsATemplateBeyondSqsLimits(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("broken.yaml");
    String template = Files.readString(TEMPLATE);
    assertThat(template).contains("MaximumMessageSize: 1048576");
    Files.writeString(broken, template.replace("MaximumMessageSize: 1048576", "MaximumMessageSize: 2097152"));
    Result result = lint(broken);
    assertThat(result.exit).isNotZero();
    assertThat(result.output).contains("E3034", "2097152");
  }

  private record Result(int exit, String output) {}

  private static Result lint(Path template) throws Exception {
    Path cfnLint = PythonServices.locate().python().resolveSibling("cfn-lint");
    Process process = new ProcessBuilder(List.of(cfnLint.toString(), template.toString()))
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Result(process.exitValue(), output);
  }
}
