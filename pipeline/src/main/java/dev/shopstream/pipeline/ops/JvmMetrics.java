package dev.shopstream.pipeline.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The worker process's JVM and system meters (Micrometer's binders): heap and non-heap memory by pool
 * ({@code jvm_memory_used_bytes}), GC pauses ({@code jvm_gc_pause_seconds}) and heap pressure, threads,
 * classes, CPU ({@code process_cpu_usage}, {@code system_cpu_usage}), open files and uptime.
 */
public final class JvmMetrics implements AutoCloseable {
  private final JvmGcMetrics gc;
  private final JvmHeapPressureMetrics heapPressure;

  private JvmMetrics(JvmGcMetrics gc, JvmHeapPressureMetrics heapPressure) {
    this.gc = gc;
    this.heapPressure = heapPressure;
  }

  public static JvmMetrics bindTo(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
    heapPressure.bindTo(registry);
    return new JvmMetrics(gc, heapPressure);
  }

  /** Stops listening to GC notifications. */
  @Override
  public void close() {
    gc.close();
    heapPressure.close();
  }
}
