package dev.shopstream.bench;

import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;

/**
 * Counts SNS PublishBatch calls and their entries in the benchmark's JVMs (registered for every SDK client
 * through the SDK's global interceptors file on the harness's class path): how full the analytics
 * handler's batches are, which sets its CPU per record (each call costs about the same whatever its size).
 */
public final class PublishBatchCount implements ExecutionInterceptor {
  static final AtomicLong CALLS = new AtomicLong();
  static final AtomicLong ENTRIES = new AtomicLong();

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof PublishBatchRequest batch) {
      CALLS.incrementAndGet();
      ENTRIES.addAndGet(batch.publishBatchRequestEntries().size());
    }
  }
}
