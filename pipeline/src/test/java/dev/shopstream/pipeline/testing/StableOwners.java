package dev.shopstream.pipeline.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** True once the owners of the shards have not changed for {@code quiet} (each call reads the lease table). */
public final class StableOwners implements BooleanSupplier {
  private final LeaseTable leases;
  private final List<String> shards;
  private final Duration quiet;
  private Map<String, String> last = Map.of();
  private long since = System.nanoTime();

  public StableOwners(LeaseTable leases, List<String> shards, Duration quiet) {
    this.leases = leases;
    this.shards = shards;
    this.quiet = quiet;
  }

  @Override
  public boolean getAsBoolean() {
    Map<String, LeaseTable.Lease> now = leases.leases();
    Map<String, String> owners = new HashMap<>();
    shards.forEach(s -> owners.put(s, now.get(s).owner()));
    if (!owners.equals(last)) {
      last = owners;
      since = System.nanoTime();
    }
    return System.nanoTime() - since >= quiet.toNanos();
  }
}
