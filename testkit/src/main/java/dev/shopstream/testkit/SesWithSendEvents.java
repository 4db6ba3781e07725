package dev.shopstream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shopstream.local.aws.LocalAws;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * A stand-in for what the SES emulator (aws-ses-v2-local) cannot do: an HTTP server on loopback in
 * front of it that passes every request through and, when a v2 SendEmail was accepted, publishes an
 * SES "Send" event (the event publishing format: {@code eventType}, {@code mail.messageId},
 * {@code mail.tags} as name -> [values]) to an SNS topic, as a configuration set's SNS event
 * destination does. It can also answer late ({@link #answerAfter}): the mail is accepted at once,
 * the answer comes after the delay (a client timing out first sees an unknown outcome), or be
 * {@link #unavailable} (an SES outage: every request answered 503, nothing reaches the emulator).
 * Test tooling only.
 */
public final class SesWithSendEvents implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SEND_PATH = "/v2/email/outbound-emails";

  private final HttpServer server;
  private final URI target;
  private final SnsClient sns;
  private final String topicArn;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicLong answerDelayMillis = new AtomicLong();
  private final AtomicBoolean unavailable = new AtomicBoolean();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();

  private SesWithSendEvents(HttpServer server, URI target, SnsClient sns, String topicArn) {
    this.server = server;
    this.target = target;
    this.sns = sns;
    this.topicArn = topicArn;
  }

  /** @param topicArn where send events go; null publishes none (a plain late-answering SES) */
  public static SesWithSendEvents start(URI sesEmulator, SnsClient sns, String topicArn) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      SesWithSendEvents standIn = new SesWithSendEvents(server, sesEmulator, sns, topicArn);
      server.createContext("/", standIn::handle);
      server.setExecutor(Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "ses-stand-in");
        thread.setDaemon(true);
        return thread;
      }));
      server.start();
      return standIn;
    } catch (IOException e) {
      throw new IllegalStateException("could not open a loopback port for the SES stand-in", e);
    }
  }

  public URI endpoint() {
    return LocalAws.loopback(server.getAddress().getPort());
  }

  /** From now on each answer comes this long after the emulator accepted the request (zero: at once). */
  public void answerAfter(Duration delay) {
    answerDelayMillis.set(delay.toMillis());
  }

  /**
   * While true, SES is down: every request is answered 503 ServiceUnavailable without reaching the emulator
   * (no mail accepted, no send event), as in a regional SES outage. A client sees a 5xx: outcome unknown.
   */
  public void unavailable(boolean down) {
    unavailable.set(down);
  }

  /** Requests answered 503 while {@link #unavailable}. */
  public long refused() {
    return refused.get();
  }

  /** SendEmail calls the emulator accepted through this stand-in. */
  public long accepted() {
    return accepted.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (unavailable.get()) {
        refused.incrementAndGet();
        byte[] error = "{\"message\":\"Service Unavailable\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-ErrorType", "ServiceUnavailable");
        exchange.sendResponseHeaders(503, error.length);
        exchange.getResponseBody().write(error);
        return;
      }
      HttpResponse<byte[]> response;
      try {
        response = HttpRelay.send(http, target, exchange, body, Duration.ofSeconds(60));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      boolean send = "POST".equals(exchange.getRequestMethod()) && exchange.getRequestURI().getPath().equals(SEND_PATH);
      if (send && response.statusCode() / 100 == 2) {
        accepted.incrementAndGet();
        if (topicArn != null) {
          publishSendEvent(body, response.body());
        }
      }
      long delay = answerDelayMillis.get();
      if (delay > 0) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      response.headers().firstValue("Content-Type")
          .ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
      exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      } catch (IOException clientGone) {
        // the client timed out first: the mail was accepted all the same
      }
    }
  }

  private void publishSendEvent(byte[] requestBody, byte[] responseBody) throws IOException {
    JsonNode request = JSON.readTree(requestBody);
    JsonNode answer = JSON.readTree(responseBody);
    ObjectNode event = JSON.createObjectNode();
    event.put("eventType", "Send");
    ObjectNode mail = event.putObject("mail");
    mail.put("timestamp", Instant.now().toString());
    mail.put("messageId", answer.path("MessageId").asText());
    mail.put("source", request.path("FromEmailAddress").asText());
    ObjectNode tags = mail.putObject("tags");
    for (JsonNode tag : request.path("EmailTags")) {
      tags.putArray(tag.path("Name").asText()).add(tag.path("Value").asText());
    }
    event.putObject("send");
    sns.publish(r -> r.topicArn(topicArn).message(event.toString()));
  }

  /** The SES event a stand-in publishes for a message with these tags (for tests that publish one themselves). */
  public static String sendEvent(String messageId, Map<String, List<String>> tags) {
    ObjectNode event = JSON.createObjectNode();
    event.put("eventType", "Send");
    ObjectNode mail = event.putObject("mail");
    mail.put("timestamp", Instant.now().toString());
    mail.put("messageId", messageId);
    ObjectNode tagNode = mail.putObject("tags");
    tags.forEach((name, values) -> values.forEach(v -> tagNode.withArray(name).add(v)));
    return event.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
