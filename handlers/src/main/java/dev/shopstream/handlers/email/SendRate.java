package dev.shopstream.handlers.email;

import dev.shopstream.handlers.EffectFailure;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's share of SES's send rate: a resilience4j {@link RateLimiter} of {@code 0.9 x maxSendRate /
 * workers} sends per second (at least one; {@link #PACE}), re-sized whenever either changes. It hands out one permit
 * every {@code 1 / share} seconds, not the whole second's share at once (a burst at the end of one second
 * and another at the start of the next would be twice the rate within a second). A flash sale then meets
 * the account's MaxSendRate as a steady pace instead of a wall of throttled calls each retried on
 * backoff.
 *
 * <p>A send reserves its {@link Slot} before its claim: none within {@code wait} fails retryably before
 * the claim is written (no request made, no write spent), so the record's retry schedule paces it
 * further. It waits for the slot's time after the claim, right before the call: the claim's write, slow
 * and uneven under load, then overlaps the wait instead of sitting between the permit and the send and
 * bunching sends that were paced apart.
 */
public final class SendRate {
  private static final Logger LOG = LoggerFactory.getLogger(SendRate.class);

  private volatile RateLimiter limiter;
  private volatile int share;
  private final Duration wait;
  private final Sleeper sleeper;
  private volatile double accountRate;
  private volatile int workers = 1;

  /** @param maxSendRate the account's sends per second (SES's SendQuota.MaxSendRate, or a setting) */
  public SendRate(double maxSendRate, Duration wait) {
    this(maxSendRate, wait, Sleeper.REAL);
  }

  SendRate(double maxSendRate, Duration wait, Sleeper sleeper) {
    this.wait = wait;
    this.sleeper = sleeper;
    this.accountRate = maxSendRate;
    this.share = perWorker(maxSendRate, 1);
    this.limiter = limiter(share, wait);
  }

  /** One permit every 1/perSecond seconds. */
  private static RateLimiter limiter(int perSecond, Duration wait) {
    return RateLimiter.of("ses", RateLimiterConfig.custom().limitForPeriod(1)
        .limitRefreshPeriod(Duration.ofNanos(1_000_000_000L / perSecond)).timeoutDuration(wait).build());
  }

  /**
   * The share is paced at 90 % of the account's rate divided among the workers: SES counts sends per second,
   * and a send a few milliseconds late (a paused thread, a slow claim write) lands in the next second's count
   * beside that second's own; at exactly the rate every such slip is a throttled call and a retry.
   */
  static final double PACE = 0.9;

  static int perWorker(double accountRate, int workers) {
    return Math.max(1, (int) Math.floor(accountRate * PACE / Math.max(1, workers)));
  }

  /** The moment one send may start, reserved from the share. */
  public final class Slot {
    private final long startsAtNanos;
    private final long periodNanos;

    private Slot(long startsAtNanos, long periodNanos) {
      this.startsAtNanos = startsAtNanos;
      this.periodNanos = periodNanos;
    }

    /**
     * Waits until the slot's time (at once when it has passed). A thread that comes to its slot more than one
     * period late (a paused or starved thread, a claim write slower than the wait) takes a fresh slot instead:
     * sent at once, it would land beside the sends paced after it, and several late ones together would be a
     * burst above the rate. So every send starts within one period of a slot of its own.
     *
     * @throws dev.shopstream.handlers.EffectFailure retryable, when no fresh slot is free within the wait
     */
    public void await() {
      if (System.nanoTime() - startsAtNanos > periodNanos) {
        reserve().sleepUntilStart();
        return;
      }
      sleepUntilStart();
    }

    private void sleepUntilStart() {
      long remaining = startsAtNanos - System.nanoTime();
      if (remaining <= 0) {
        return;
      }
      try {
        sleeper.sleep(Duration.ofNanos(remaining));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw EffectFailure.retryable("interrupted while waiting for an SES send slot (nothing was sent)", e);
      }
    }
  }

  /** Reserves the next send slot within the configured wait, without waiting for it. */
  public Slot reserve() {
    long nanos = limiter.reservePermission();
    if (nanos < 0) {
      throw EffectFailure.retryable("SES send rate: no send slot within " + wait.toMillis() + " ms (this worker's "
          + "share is " + limitPerSecond() + "/s of the account's " + accountRate + "/s among " + workers
          + " workers)", null);
    }
    return new Slot(System.nanoTime() + nanos, 1_000_000_000L / share);
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
