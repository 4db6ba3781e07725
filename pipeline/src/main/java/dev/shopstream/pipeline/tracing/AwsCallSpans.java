package dev.shopstream.pipeline.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context.AfterExecution;
import software.amazon.awssdk.core.interceptor.Context.BeforeExecution;
import software.amazon.awssdk.core.interceptor.Context.FailedExecution;
import software.amazon.awssdk.core.interceptor.Context.ModifyRequest;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * A client span per AWS call made while a record's span is current on the calling thread (the claim's
 * UpdateItem, SES SendEmail, SNS Publish and PublishBatch); calls outside a record (the fleet view, a batch
 * sent for many records) get none. SNS messages without a {@code traceparent} attribute get this call's.
 */
final class AwsCallSpans implements ExecutionInterceptor {
  private static final ExecutionAttribute<Span> SPAN = new ExecutionAttribute<>("shop-stream.span");
  private static final AttributeKey<List<String>> TABLES = AttributeKey.stringArrayKey("aws.dynamodb.table_names");
  private static final String TRACEPARENT = "traceparent";

  private final Tracer tracer;

  AwsCallSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public void beforeExecution(BeforeExecution call, ExecutionAttributes attributes) {
    Context parent = Context.current();
    if (!Span.fromContext(parent).getSpanContext().isValid()) {
      return;
    }
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    SpanBuilder builder = tracer.spanBuilder(service + "." + operation).setSpanKind(SpanKind.CLIENT).setParent(parent)
        .setAttribute("rpc.system", "aws-api").setAttribute("rpc.service", service)
        .setAttribute("rpc.method", operation);
    SdkRequest request = call.request();
    request.getValueForField("TableName", String.class)
        .ifPresent(table -> builder.setAttribute(TABLES, List.of(table)));
    request.getValueForField("TopicArn", String.class)
        .ifPresent(topic -> builder.setAttribute("messaging.destination.name", topic));
    attributes.putAttribute(SPAN, builder.startSpan());
  }

  @Override
  public SdkRequest modifyRequest(ModifyRequest call, ExecutionAttributes attributes) {
    Span span = attributes.getAttribute(SPAN);
    SdkRequest request = call.request();
    if (span == null) {
      return request;
    }
    String traceparent = OtelTracing.traceparent(span.getSpanContext());
    if (request instanceof PublishRequest publish) {
      return publish.toBuilder().messageAttributes(withContext(publish.messageAttributes(), traceparent)).build();
    }
    if (request instanceof PublishBatchRequest batch) {
      return batch.toBuilder().publishBatchRequestEntries(batch.publishBatchRequestEntries().stream()
          .map(entry -> entry.toBuilder().messageAttributes(withContext(entry.messageAttributes(), traceparent))
              .build())
          .toList()).build();
    }
    return request;
  }

  private static Map<String, MessageAttributeValue> withContext(Map<String, MessageAttributeValue> attributes,
      String traceparent) {
    if (attributes.containsKey(TRACEPARENT)) {
      return attributes;
    }
    Map<String, MessageAttributeValue> with = new HashMap<>(attributes);
    with.put(TRACEPARENT, MessageAttributeValue.builder().dataType("String").stringValue(traceparent).build());
    return with;
  }

  @Override
  public void afterExecution(AfterExecution call, ExecutionAttributes attributes) {
    Span span = attributes.getAttribute(SPAN);
    if (span != null) {
      span.end();
    }
  }

  @Override
  public void onExecutionFailure(FailedExecution call, ExecutionAttributes attributes) {
    Span span = attributes.getAttribute(SPAN);
    if (span != null) {
      span.recordException(call.exception());
      span.setStatus(StatusCode.ERROR);
      span.end();
    }
  }
}
