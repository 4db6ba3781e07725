package dev.shopstream.pipeline.tracing;

import dev.shopstream.handlers.tracing.Tracing;
import dev.shopstream.pipeline.processing.RecordTracing;
import dev.shopstream.pipeline.stream.ChangeRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Tracing on: the OpenTelemetry SDK, spans exported over OTLP/HTTP (protobuf) in batches. One
 * {@code process} span per stream record, a child of the writer's context when the new image carries
 * it; producer spans of the handlers; a client span per AWS call made under a record ({@link #awsCalls()}).
 * What and why: docs/observability.md, Tracing.
 */
public final class OtelTracing implements RecordTracing, Tracing, AutoCloseable {
  static final String INSTRUMENTATION = "dev.shopstream.shop-stream";
  private static final TextMapGetter<Map<String, AttributeValue>> IMAGE = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, AttributeValue> image) {
      return image.keySet();
    }

    @Override
    public String get(Map<String, AttributeValue> image, String key) {
      AttributeValue value = image == null ? null : image.get(key);
      return value == null ? null : value.s();
    }
  };

  private final SdkTracerProvider provider;
  private final Tracer tracer;
  private final String attribute;

  /**
   * @param endpoint an OTLP/HTTP URL: a collector's base URL ({@code /v1/traces} is added) or the full traces URL
   * @param attribute the item attribute holding the writer's {@code traceparent}
   * @param workerId this worker, as {@code service.instance.id}
   */
  public OtelTracing(URI endpoint, String attribute, String workerId) {
    this.attribute = attribute;
    String path = endpoint.getPath();
    String url = path == null || path.isEmpty() || path.equals("/")
        ? endpoint.toString().replaceAll("/$", "") + "/v1/traces" : endpoint.toString();
    this.provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "shop-stream",
            AttributeKey.stringKey("service.instance.id"), workerId))))
        .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
        .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(url).build())
            .setScheduleDelay(Duration.ofSeconds(1)).build())
        .build();
    this.tracer = provider.get(INSTRUMENTATION);
  }

  /** Client spans for the AWS calls made under a record's span, for the clients that carry it. */
  public ExecutionInterceptor awsCalls() {
    return new AwsCallSpans(tracer);
  }

  @Override
  public RecordSpan start(ChangeRecord record) {
    SpanBuilder builder = tracer.spanBuilder("process").setSpanKind(SpanKind.CONSUMER)
        .setAttribute("messaging.system", "aws_dynamodb_streams")
        .setAttribute("messaging.operation", "process")
        .setAttribute("messaging.operation.type", "process")
        .setAttribute("messaging.destination.name", record.source().table())
        .setAttribute("messaging.destination.partition.id", record.source().shardId())
        .setAttribute("messaging.message.id", record.sequenceNumber());
    SpanContext writer = writerContext(record);
    if (writer.isValid()) {
      // CHECKSTYLE.SUPPRESS: RegexpSinglelineJava (Span alone names the inherited Tracing.Span)
      builder.setParent(Context.root().with(io.opentelemetry.api.trace.Span.wrap(writer))).addLink(writer);
    } else {
      builder.setNoParent();
    }
    if (record.change() != null) {
      builder.setAttribute("shop.stream.change", record.change().kind().name());
    }
    var span = builder.startSpan();
    Scope scope = span.makeCurrent();
    return outcome -> {
      scope.close();
      span.setAttribute("shop.record.outcome", outcome);
      if ("failed".equals(outcome)) {
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    };
  }

  /** The writer's context from the new image (or, for a REMOVE, the old one); invalid when absent or malformed. */
  private SpanContext writerContext(ChangeRecord record) {
    if (record.change() == null) {
      return SpanContext.getInvalid();
    }
    Map<String, AttributeValue> image = record.change().newImage() != null ? record.change().newImage()
        : record.change().oldImage();
    if (image == null || !image.containsKey(attribute)) {
      return SpanContext.getInvalid();
    }
    Map<String, AttributeValue> carrier = Map.of(Tracing.TRACEPARENT, image.get(attribute));
    Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, IMAGE);
    // CHECKSTYLE.SUPPRESS: RegexpSinglelineJava (Span alone names the inherited Tracing.Span)
    return io.opentelemetry.api.trace.Span.fromContext(extracted).getSpanContext();
  }

  @Override
  public Tracing.Span producer(String name, String... attributes) {
    Context parent = Context.current();
    // CHECKSTYLE.SUPPRESS: RegexpSinglelineJava (Span alone names the inherited Tracing.Span)
    if (!io.opentelemetry.api.trace.Span.fromContext(parent).getSpanContext().isValid()) {
      return Tracing.Span.NONE;
    }
    SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(SpanKind.PRODUCER).setParent(parent);
    for (int i = 0; i + 1 < attributes.length; i += 2) {
      builder.setAttribute(attributes[i], attributes[i + 1]);
    }
    var span = builder.startSpan();
    Scope scope = span.makeCurrent();
    return new Tracing.Span() {
      @Override
      public String traceparent() {
        return OtelTracing.traceparent(span.getSpanContext());
      }

      @Override
      public void failed(Throwable error) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR);
      }

      @Override
      public void close() {
        scope.close();
        span.end();
      }
    };
  }

  static String traceparent(SpanContext context) {
    return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
  }

  /** Exports what is still buffered (at most 10 s). */
  @Override
  public void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }
}
