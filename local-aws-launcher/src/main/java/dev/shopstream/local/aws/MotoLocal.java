package dev.shopstream.local.aws;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * moto (Apache-2.0) as the local DynamoDB + DynamoDB Streams, in its own Python process on a free
 * 127.0.0.1 port, through the project's launcher {@code local-aws/moto_server.py}: DynamoDB API
 * requests run under one lock (so conditional writes are atomic), and a reaper expires TTL items
 * every second with DynamoDB's own userIdentity on the stream's REMOVE. The same endpoint also serves
 * moto's SNS, SQS, S3 and SES v2.
 *
 * <p>Give each heavy test or benchmark its own instance: every call costs more once a table's stream
 * holds many records.
 */
public final class MotoLocal implements AutoCloseable {
  /** {@code -Dshop.moto.lock=false} serves DynamoDB without the lock (plain moto), to show what it is for. */
  public static final boolean LOCK = Boolean.parseBoolean(System.getProperty("shop.moto.lock", "true"));

  private final int port;
  private final ChildProcess process;

  private MotoLocal(int port, ChildProcess process) {
    this.port = port;
    this.process = process;
  }

  /** Starts an instance on a free loopback port and waits until it answers. */
  public static MotoLocal start(Path logDir) {
    return start(FreePorts.pick(), logDir);
  }

  public static MotoLocal start(int port, Path logDir) {
    List<String> arguments = new ArrayList<>(List.of("--port", Integer.toString(port), "--ttl-interval",
        System.getProperty("shop.moto.ttlIntervalSeconds", "1")));
    if (!LOCK) {
      arguments.add("--no-lock");
    }
    ChildProcess child = PythonServices.locate().start("moto:" + port, "moto_server.py", arguments, logDir);
    MotoLocal moto = new MotoLocal(port, child);
    child.awaitReady(moto::answers, Duration.ofSeconds(60));
    return moto;
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

  public boolean isAlive() {
    return process.isAlive();
  }

  /** A synchronous client for this instance (for set-up and assertions). */
  public DynamoDbClient client() {
    return LocalAws.client(DynamoDbClient.builder(), endpoint());
  }

  /** A DynamoDB Streams client for this instance (for assertions on stream records). */
  public DynamoDbStreamsClient streamsClient() {
    return LocalAws.client(DynamoDbStreamsClient.builder(), endpoint());
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
}
