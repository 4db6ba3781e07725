package dev.shopstream.pipeline.replay;

import dev.shopstream.pipeline.kcl.KclApplication;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables a replay may create and delete: only KCL's three tables of an application named
 * {@code <SHOP_APPLICATION_NAME>-replay-<suffix>}, never the live table, the idempotency table or the
 * live worker's lease tables, whatever {@code --application} says.
 */
public final class ReplayTables {
  private ReplayTables() {}

  /**
   * The live worker's tables, which a replay must never touch.
   *
   * @param application the live worker's KCL application (its three lease tables)
   * @param claimsTable the idempotency table
   */
  public record Live(String application, String table, String claimsTable) {}

  /** {@code <SHOP_APPLICATION_NAME>-replay-}: every replay application name starts with it. */
  public static String prefix(Live live) {
    return live.application() + "-replay-";
  }

  /** The lease, coordinator and worker-metrics tables KCL creates for {@code application}. */
  public static List<String> leaseTables(String application) {
    return KclApplication.leaseTables(application);
  }

  /** Why {@code application} may not be a replay's application name; empty when it may. */
  public static List<String> problems(String application, Live live) {
    List<String> problems = new ArrayList<>();
    String prefix = prefix(live);
    if (!application.startsWith(prefix) || application.length() == prefix.length()) {
      problems.add("--application '" + application + "' must start with '" + prefix + "' and name something after it: "
          + "a replay creates and deletes only tables named so");
    }
    if (!application.matches("[A-Za-z0-9_.-]{3,200}")) {
      problems.add("--application '" + application
          + "' must be 3-200 letters, digits, '_', '-', '.' (it names tables)");
    }
    List<String> protectedTables = new ArrayList<>(List.of(live.table(), live.claimsTable()));
    protectedTables.addAll(leaseTables(live.application()));
    for (String table : leaseTables(application)) {
      if (protectedTables.contains(table)) {
        problems.add("--application '" + application + "' would use the table '" + table
            + "', which belongs to the live worker (its table, idempotency table or lease tables)");
      }
    }
    return problems;
  }
}
