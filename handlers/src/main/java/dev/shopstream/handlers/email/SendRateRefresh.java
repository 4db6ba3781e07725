package dev.shopstream.handlers.email;

import dev.shopstream.handlers.AwsFailures;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Keeps a {@link SendRate} sized: every {@code period} it reads the account's MaxSendRate from SES's
 * GetAccount (unless a setting fixes it) and the number of live workers (from the lease table), on one
 * daemon thread. A failed read keeps the last size, with one WARN per failing spell.
 */
final class SendRateRefresh implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SendRateRefresh.class);

  private final SendRate rate;
  private final Supplier<Double> accountRate;
  private final IntSupplier liveWorkers;
  private final ScheduledExecutorService timer;
  private volatile boolean failing;

  /** @param accountRate reads the account's rate; null when a setting fixes it */
  private SendRateRefresh(SendRate rate, Supplier<Double> accountRate, IntSupplier liveWorkers) {
    this.rate = rate;
    this.accountRate = accountRate;
    this.liveWorkers = liveWorkers;
    this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "ses-send-rate");
      thread.setDaemon(true);
      return thread;
    });
  }

  static SendRateRefresh start(SendRate rate, Supplier<Double> accountRate, IntSupplier liveWorkers, Duration period) {
    SendRateRefresh refresh = new SendRateRefresh(rate, accountRate, liveWorkers);
    refresh.timer.scheduleWithFixedDelay(refresh::refresh, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return refresh;
  }

  /** SES's MaxSendRate for this account and region (GetAccount). */
  static double maxSendRate(SesV2Client ses) {
    return ses.getAccount(r -> { }).sendQuota().maxSendRate();
  }

  void refresh() {
    try {
      rate.resize(accountRate == null ? null : accountRate.get(), liveWorkers.getAsInt());
      if (failing) {
        LOG.info("SES send rate: sized again");
      }
      failing = false;
    } catch (SdkException e) {
      warnOnce(AwsFailures.describe(e));
    } catch (RuntimeException e) {
      warnOnce(e.toString());
    }
  }

  private void warnOnce(String why) {
    if (!failing) {
      LOG.warn("SES send rate: cannot read the account's rate or the live workers ({}); keeping {}/s", why,
          rate.limitPerSecond());
    }
    failing = true;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
