package dev.shopstream.testkit.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One DynamoDB Streams call to moto as raw JSON (the proxy keeps records as moto wrote them, so it
 * needs no SDK model round trip). moto reads the region from the credential scope and never checks
 * the signature.
 */
final class StreamsApiCall {
  static final String PREFIX = "DynamoDBStreams_20120810.";
  private static final String AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
      + "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI endpoint;

  StreamsApiCall(HttpClient http, URI endpoint) {
    this.http = http;
    this.endpoint = endpoint;
  }

  JsonNode call(String operation, Object body) {
    try {
      HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/x-amz-json-1.0")
          .header("X-Amz-Target", PREFIX + operation)
          .header("X-Amz-Date", "20260101T000000Z")
          .header("Authorization", AUTHORIZATION)
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("moto answered " + operation + " with HTTP " + response.statusCode() + ": "
            + new String(response.body(), StandardCharsets.UTF_8));
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("moto did not answer " + operation + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling moto " + operation, e);
    }
  }
}
