package dev.shopstream.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A quantile of a timer's histogram as Prometheus's {@code histogram_quantile} computes it: find the
 * bucket the rank falls in, interpolate linearly between its lower and upper bound. What a dashboard
 * shows for the worker's {@code shop_write_to_effect_seconds}, to compare with the bench's own figures.
 */
final class HistogramQuantile {
  private HistogramQuantile() {}

  /** @return milliseconds; -1 when the timer has no histogram or no sample */
  static double millis(Timer timer, double quantile) {
    if (timer == null) {
      return -1;
    }
    CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
    long total = timer.count();
    if (buckets.length == 0 || total == 0) {
      return -1;
    }
    // counts at or below each bound (Prometheus's le); a registry may give each bucket's own count instead
    boolean cumulative = buckets[buckets.length - 1].count() >= total
        || Arrays.stream(buckets).mapToDouble(CountAtBucket::count).sum() < total;
    double rank = quantile * total;
    double lowerBound = 0;
    double lowerCount = 0;
    double running = 0;
    for (CountAtBucket bucket : buckets) {
      double upper = bucket.bucket(TimeUnit.MILLISECONDS);
      running = cumulative ? bucket.count() : running + bucket.count();
      if (running >= rank) {
        double inBucket = running - lowerCount;
        return inBucket <= 0 ? upper : lowerBound + (upper - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = upper;
      lowerCount = running;
    }
    return lowerBound; // beyond the last bucket: Prometheus answers its upper bound
  }
}
