package dev.shopstream.pipeline.kcl;

/** Who hands out shard leases among the workers of one application ({@code SHOP_KCL_ASSIGNMENT}). */
public enum LeaseAssignment {
  /**
   * Each worker takes unowned and expired leases itself and steals towards an even share (KCL 2.x's
   * algorithm, which KCL 3 keeps for compatibility): no single point whose death stalls everyone.
   */
  WORKERS,
  /**
   * KCL 3's elected leader assigns leases by load (CPU-aware with worker metrics) and hands them over
   * gracefully; a dead leader holds its lock, and so every assignment, for 2 minutes.
   */
  LEADER
}
