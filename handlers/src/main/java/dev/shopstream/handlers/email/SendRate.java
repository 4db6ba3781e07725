package dev.shopstream.handlers.email;

import dev.shopstream.handlers.EffectFailure;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's share of SES's send rate: a resilience4j {@link RateLimiter} of {@code maxSendRate /
 * workers} sends per second (at least one), re-sized whenever either changes. It hands out one permit
 * every {@code 1 / share} seconds, not the whole second's share at once (a burst at the end of one second
 * and another at the start of the next would be twice the rate within a second). A flash sale then meets
 * the account's MaxSendRate as a steady pace instead of a wall of throttled calls each retried on
 * backoff. A send that finds no permit within {@code wait} fails retryably before its claim is taken
 * (it never made a request), so the record's retry schedule paces it further.
 */
public final class SendRate {
  private static final Logger LOG = LoggerFactory.getLogger(SendRate.class);

  private volatile RateLimiter limiter;
  private volatile int share;
  private final Duration wait;
  private volatile double accountRate;
  private volatile int workers = 1;

  /** @param maxSendRate the account's sends per second (SES's SendQuota.MaxSendRate, or a setting) */
  public SendRate(double maxSendRate, Duration wait) {
    this.wait = wait;
    this.accountRate = maxSendRate;
    this.share = perWorker(maxSendRate, 1);
    this.limiter = limiter(share, wait);
  }

  /** One permit every 1/perSecond seconds. */
  private static RateLimiter limiter(int perSecond, Duration wait) {
    return RateLimiter.of("ses", RateLimiterConfig.custom().limitForPeriod(1)
        .limitRefreshPeriod(Duration.ofNanos(1_000_000_000L / perSecond)).timeoutDuration(wait).build());
  }

  static int perWorker(double accountRate, int workers) {
    return Math.max(1, (int) Math.floor(accountRate / Math.max(1, workers)));
  }

  /** Waits for a permit to send, up to the configured wait. */
  public void acquire() {
    if (!limiter.acquirePermission()) {
      throw EffectFailure.retryable("SES send rate: no permit within " + wait.toMillis() + " ms (this worker's share "
          + "is " + limitPerSecond() + "/s of the account's " + accountRate + "/s among " + workers + " workers)", null);
    }
  }

  /** Re-sizes the share: the account's rate (unchanged when null) among {@code liveWorkers}. */
  public void resize(Double maxSendRate, int liveWorkers) {
    double rate = maxSendRate == null ? accountRate : maxSendRate;
    int workerCount = Math.max(1, liveWorkers);
    int share = perWorker(rate, workerCount);
    if (share != this.share) {
      LOG.info("SES send rate: {}/s for this worker (the account's {}/s among {} workers)", share, rate, workerCount);
      this.limiter = limiter(share, wait);
      this.share = share;
    }
    accountRate = rate;
    workers = workerCount;
  }

  public int limitPerSecond() {
    return share;
  }
}
