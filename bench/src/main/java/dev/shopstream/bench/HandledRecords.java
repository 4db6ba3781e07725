package dev.shopstream.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Stream records an in-process worker handled, every outcome: its {@code shop.stream.records} counters read from the
 * registry it counts into (the benchmarks poll this while they measure, so a registry search, not a scrape). Only
 * Micrometer's API: {@link DrainWorker} runs it against a baseline commit's build too.
 */
final class HandledRecords {
  private HandledRecords() {}

  static long in(MeterRegistry registry) {
    return (long) registry.find("shop.stream.records").counters().stream().mapToDouble(Counter::count).sum();
  }
}
