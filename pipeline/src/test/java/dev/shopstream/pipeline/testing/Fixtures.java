package dev.shopstream.pipeline.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.pipeline.stream.StreamChange;
import dev.shopstream.pipeline.stream.StreamChanges;
import dev.shopstream.pipeline.stream.StreamRecordJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.services.dynamodb.model.Record;

/** Loads stream-record fixtures from {@code src/test/resources/fixtures}. */
public final class Fixtures {
  public static final String TABLE = "shop";
  public static final String SHARD = "shardId-00000001";
  private static final StreamRecordJson JSON = new StreamRecordJson(new ObjectMapper());

  private Fixtures() {}

  public static String text(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Record record(String name) {
    return JSON.read(text(name));
  }

  public static StreamChange change(String name) {
    return StreamChanges.from(record(name), TABLE, SHARD);
  }
}
