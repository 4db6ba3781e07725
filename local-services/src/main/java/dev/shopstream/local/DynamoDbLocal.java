package dev.shopstream.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local (Maven artifact {@code com.amazonaws:DynamoDBLocal}) in its own JVM, in memory,
 * bound to 127.0.0.1 on a port of its own. Serves tables, streams and KCL's lease tables.
 *
 * <p>Give each heavy test or benchmark its own instance: a DynamoDB Local whose streams already
 * hold many records writes far slower.
 */
public final class DynamoDbLocal implements AutoCloseable {
  private static final String CLASSPATH_RESOURCE = "dynamodb-local.classpath";

  private final int port;
  private final ChildProcess process;

  private DynamoDbLocal(int port, ChildProcess process) {
    this.port = port;
    this.process = process;
  }

  /** Starts an in-memory instance on a free loopback port and waits until it answers. */
  public static DynamoDbLocal start(Path logDir) {
    return start(FreePorts.pick(), logDir);
  }

  public static DynamoDbLocal start(int port, Path logDir) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(launcherClasspath());
    command.add(LoopbackDynamoDbLocalMain.class.getName());
    command.addAll(List.of("-port", Integer.toString(port), "-inMemory"));
    ChildProcess child = ChildProcess.start("dynamodb-local:" + port, command, logDir,
        logDir.resolve("dynamodb-local-" + port + ".log"), Map.of());
    DynamoDbLocal local = new DynamoDbLocal(port, child);
    child.awaitReady(local::answers, Duration.ofSeconds(60));
    return local;
  }

  public int port() {
    return port;
  }

  public URI endpoint() {
    return LocalAws.loopback(port);
  }

  public long pid() {
    return process.pid();
  }

  /** A synchronous client for this instance (for set-up and assertions). */
  public DynamoDbClient client() {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint())
        .region(LocalAws.REGION)
        .credentialsProvider(LocalAws.CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30)))
        .build();
  }

  private boolean answers() {
    if (!FreePorts.accepts(port)) {
      return false;
    }
    try (DynamoDbClient client = client()) {
      client.listTables();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.close();
  }

  private static String launcherClasspath() {
    String dependencies;
    try (InputStream in = DynamoDbLocal.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + CLASSPATH_RESOURCE + " is missing: build the "
            + "local-services module with Maven (mvn install) so that DynamoDB Local's classpath is written");
      }
      dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path ownCode = Path.of(LoopbackDynamoDbLocalMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return ownCode + java.io.File.pathSeparator + dependencies;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
