package dev.shopstream.bench;

import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.pipeline.kcl.ShopStreamWorker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.Map;

/**
 * (j) A flash sale against SES's send rate: {@code orders} orders written at once, one worker with the email
 * and analytics handlers, SES answering 429 above {@value #SES_RATE}/s (a new account's MaxSendRate). The
 * baseline is the worker without a shared rate (every record in flight calls SES and is retried on backoff
 * when throttled); against it, the worker taking its share of the rate (SHOP_SES_MAX_SEND_RATE=14, one
 * worker). Printed: SES calls, the share throttled, how long the emails took against the ideal
 * {@code orders / 14} s, and when the analytics events of the same records were all published.
 */
final class SesRateBench {
  static final int SES_RATE = 14;
  private static int scenarios;

  private SesRateBench() {}

  static void run(Report report, LocalShopStack stack, int orders) throws Exception {
    double ideal = orders / (double) SES_RATE;
    report.section(String.format(Locale.ROOT, "(j) %d orders at once, SES throttling above %d/s (ideal drain %.0f s), "
        + "email + analytics, one shard, window %d", orders, SES_RATE, ideal, StackBench.DEFAULT_WINDOW));
    report.line(String.format(Locale.ROOT, "%-36s %8s %10s %9s %10s %10s %12s", "worker", "SES calls", "throttled",
        "% calls", "emails s", "x ideal", "analytics s"));
    scenario(report, stack, orders, "no shared rate (retries on 429)", "100000");
    scenario(report, stack, orders, "shared rate 14/s (RateLimiter)", Integer.toString(SES_RATE));
  }

  private static void scenario(Report report, LocalShopStack stack, int orders, String name, String rate)
      throws Exception {
    int firstUser = 5_000_000 + (scenarios++) * 1_000_000;
    try (SesThrottle ses = SesThrottle.start(stack.ses.endpoint(), SES_RATE)) {
      Map<String, String> env = StackBench.environment(stack,
          "bench-ses-" + scenarios + "-" + System.currentTimeMillis(),
          "email,analytics", StackBench.DEFAULT_WINDOW);
      env.put("SHOP_INITIAL_POSITION", "LATEST");
      env.put("SHOP_SES_ENDPOINT", ses.endpoint().toString());
      env.put("SHOP_SES_MAX_SEND_RATE", rate);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (ShopStreamWorker worker = StackBench.start(env, registry, event -> { })) {
        StackBench.awaitLease(worker);
        Thread.sleep(2000);
        stack.ses.clear();
        long start = System.nanoTime();
        StackBench.writeOrders(stack, orders, firstUser);
        double analyticsSeconds = -1;
        double emailSeconds = -1;
        long deadline = start + (long) ((orders / (double) SES_RATE) * 4 + 120) * 1_000_000_000L;
        int emailed = 0;
        while (System.nanoTime() < deadline) {
          if (analyticsSeconds < 0 && done(registry, "analytics") >= orders) {
            analyticsSeconds = (System.nanoTime() - start) / 1e9;
          }
          emailed = stack.ses.sentEmails().size();
          if (emailSeconds < 0 && emailed >= orders) {
            emailSeconds = (System.nanoTime() - start) / 1e9;
          }
          if (emailSeconds >= 0 && analyticsSeconds >= 0) {
            break;
          }
          Thread.sleep(1000);
        }
        if (emailSeconds < 0) {
          emailSeconds = (System.nanoTime() - start) / 1e9;
        }
        double ideal = orders / (double) SES_RATE;
        report.line(String.format(Locale.ROOT, "%-36s %8d %10d %8.1f%% %10.0f %10.2f %12s", name, ses.sends(),
            ses.throttled(), 100.0 * ses.throttled() / Math.max(1, ses.sends()), emailSeconds, emailSeconds / ideal,
            analyticsSeconds < 0 ? "not all" : String.format(Locale.ROOT, "%.0f", analyticsSeconds))
            + (emailed < orders ? "  (" + emailed + " of " + orders + " emailed)" : ""));
      }
    }
  }

  private static double done(SimpleMeterRegistry registry, String handler) {
    return registry.find("shop.handler.results").tag("handler", handler).tag("result", "done").counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }
}
