package dev.shopstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every AWS operation the worker's own code (and KCL) calls, for the IAM policy test. Tests
 * register it on every SDK client through the SDK's global interceptor file; calls made by test code
 * and by the local set-up tooling are left out, found by the innermost project class on the stack.
 * Each JVM appends {@code Service:Operation<TAB>resource} lines to {@code target/aws-operations/<pid>.txt}, the
 * resource as the request names it (table and index, stream ARN, topic ARN, queue URL, sender address,
 * bucket/key, {@code export:<export ARN>}; empty when the request names none, as GetRecords with only a shard
 * iterator).
 */
public final class AwsOperationRecorder implements ExecutionInterceptor {
  public static final Path DIRECTORY = Path.of("target", "aws-operations");
  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (!calledByTheWorker()) {
      return;
    }
    String operation = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
        + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + "\t" + resource(context.request());
    if (SEEN.add(operation)) {
      append(operation);
    }
  }

  /** What the request acts on, in the request's own terms (the IAM test turns it into an ARN). */
  static String resource(SdkRequest request) {
    Optional<String> table = request.getValueForField("TableName", String.class);
    if (table.isPresent()) {
      return "table/" + table.get() + request.getValueForField("IndexName", String.class)
          .map(i -> "/index/" + i).orElse("");
    }
    Optional<String> tableArn = request.getValueForField("TableArn", String.class);
    if (tableArn.isPresent()) { // ExportTableToPointInTime: the table by its ARN
      String path = tableArn.get().substring(tableArn.get().lastIndexOf(":table/") + ":table/".length());
      return "table/" + (path.contains("/") ? path.substring(0, path.indexOf('/')) : path);
    }
    Optional<String> exportArn = request.getValueForField("ExportArn", String.class);
    if (exportArn.isPresent()) {
      return "export:" + exportArn.get();
    }
    for (String field : List.of("StreamArn", "TopicArn", "QueueUrl", "FromEmailAddress", "EmailIdentity")) {
      Optional<String> value = request.getValueForField(field, String.class);
      if (value.isPresent()) {
        return value.get();
      }
    }
    Optional<String> bucket = request.getValueForField("Bucket", String.class);
    if (bucket.isPresent()) {
      return "s3:" + bucket.get() + "/" + request.getValueForField("Key", String.class).orElse("");
    }
    return "";
  }

  static boolean calledByTheWorker() {
    for (StackTraceElement frame : Thread.currentThread().getStackTrace()) {
      String type = frame.getClassName();
      if (type.startsWith("dev.shopstream.") && !type.equals(AwsOperationRecorder.class.getName())) {
        return !isSetupOrTest(type);
      }
    }
    return true; // KCL's own threads (lease tables, streams): part of the worker
  }

  private static boolean isSetupOrTest(String type) {
    String outer = type.contains("$") ? type.substring(0, type.indexOf('$')) : type;
    // dev.shopstream.pipeline.image holds only the container tests and their helpers (test code)
    return outer.startsWith("dev.shopstream.local.") || outer.startsWith("dev.shopstream.testkit.")
        || outer.startsWith("dev.shopstream.demo.") || outer.startsWith("dev.shopstream.pipeline.image.")
        || outer.endsWith("Test") || outer.endsWith("IT") || outer.contains(".testing.");
  }

  private static synchronized void append(String operation) {
    try {
      Files.createDirectories(DIRECTORY);
      Files.writeString(DIRECTORY.resolve(ProcessHandle.current().pid() + ".txt"), operation + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
