package dev.shopstream.pipeline.testing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver on 127.0.0.1: accepts {@code POST /v1/traces} in protobuf, as a collector
 * does, decodes it with the OTLP proto model and keeps every span it was sent.
 */
public final class OtlpReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<Span> spans = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  public static OtlpReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      OtlpReceiver receiver = new OtlpReceiver(server);
      server.createContext("/v1/traces", exchange -> {
        try (exchange) {
          String type = exchange.getRequestHeaders().getFirst("Content-Type");
          if (!"POST".equals(exchange.getRequestMethod()) || !"application/x-protobuf".equals(type)) {
            receiver.refused.add(exchange.getRequestMethod() + " " + type);
            exchange.sendResponseHeaders(415, -1);
            return;
          }
          InputStream body = exchange.getRequestBody();
          if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            body = new GZIPInputStream(body);
          }
          ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
          for (ResourceSpans resource : request.getResourceSpansList()) {
            for (ScopeSpans scope : resource.getScopeSpansList()) {
              receiver.spans.addAll(scope.getSpansList());
            }
          }
          byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, response.length);
          exchange.getResponseBody().write(response);
        } catch (RuntimeException | IOException | Error e) {
          receiver.refused.add(e.toString());
          throw e;
        }
      });
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URL, as SHOP_TRACING_ENDPOINT takes it. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every span received so far. */
  public List<Span> spans() {
    return List.copyOf(spans);
  }

  /** Requests turned away (not POSTed protobuf) or that failed here. */
  public List<String> refused() {
    return List.copyOf(refused);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
