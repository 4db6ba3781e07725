package dev.shopstream.pipeline.testing;

import dev.shopstream.pipeline.stream.AttributeValueJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Table exports written into the local S3 in AWS's real layout (moto writes no manifest and has no incremental
 * export): {@code <root>manifest-summary.json}, {@code manifest-files.json} and gzipped DynamoDB JSON data files.
 */
public final class ExportFixtures {
  private ExportFixtures() {}

  /** An item as DynamoDB JSON, without the NULL attributes the fixtures' builders use for "absent". */
  public static String item(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> clean = new HashMap<>(item);
    clean.values().removeIf(v -> v.type() == AttributeValue.Type.NUL);
    return AttributeValueJson.writeItem(clean).toString();
  }

  /** A line of an incremental export: the item's keys, its image after the window (null: deleted) and before. */
  public static String incrementalLine(Map<String, AttributeValue> keys, Map<String, AttributeValue> newImage,
      Map<String, AttributeValue> oldImage, Instant written) {
    return "{\"Metadata\":{\"WriteTimestampMicros\":{\"N\":\"" + written.toEpochMilli() * 1000 + "\"}},\"Keys\":"
        + item(keys) + (newImage == null ? "" : ",\"NewImage\":" + item(newImage))
        + (oldImage == null ? "" : ",\"OldImage\":" + item(oldImage)) + "}";
  }

  /**
   * An incremental export of the window {@code [from, to)} under {@code root} (ending in "/", as
   * {@code .../AWSDynamoDB/<exportId>/}): one data file of {@code lines}, its file list and its summary.
   */
  public static void putIncremental(S3Client s3, String bucket, String root, Instant from, Instant to,
      List<String> lines) {
    String data = root + "data/0001.json.gz";
    putGzip(s3, bucket, data, lines);
    String exportId = root.substring(0, root.length() - 1).substring(root.substring(0, root.length() - 1)
        .lastIndexOf('/') + 1);
    put(s3, bucket, root + "manifest-files.json",
        "{\"itemCount\":" + lines.size() + ",\"dataFileS3Key\":\"" + data + "\"}\n");
    put(s3, bucket, root + "manifest-summary.json", "{\"version\":\"2023-08-01\",\"exportArn\":\"arn:aws:dynamodb:"
        + "us-east-1:123456789012:table/shop/export/" + exportId + "\",\"exportType\":\"INCREMENTAL_EXPORT\","
        + "\"exportFromTime\":\"" + from + "\",\"exportToTime\":\"" + to + "\",\"outputView\":\"NEW_AND_OLD_IMAGES\","
        + "\"itemCount\":" + lines.size() + ",\"outputFormat\":\"DYNAMODB_JSON\",\"manifestFilesS3Key\":\"" + root
        + "manifest-files.json\"}");
  }

  public static void putGzip(S3Client s3, String bucket, String key, List<String> lines) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes.toByteArray()));
  }

  public static void put(S3Client s3, String bucket, String key, String text) {
    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(text));
  }
}
