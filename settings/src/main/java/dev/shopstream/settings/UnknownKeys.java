package dev.shopstream.settings;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds {@code SHOP_} variables that are no setting (a typo silently ignored would be worse than a refusal). */
public final class UnknownKeys {
  static final String PREFIX = "SHOP_";

  private UnknownKeys() {}

  /** One problem per unknown key, with the closest known key when one is near. */
  public static List<String> problems(Map<String, String> env, Collection<String> known) {
    List<String> problems = new ArrayList<>();
    env.keySet().stream().filter(key -> key.startsWith(PREFIX) && !known.contains(key)).sorted().forEach(key ->
        problems.add(key + " is not a setting of shop-stream" + closest(key, known)
            .map(near -> "; did you mean " + near + "?").orElse(" (see docs/configuration.md)")));
    return problems;
  }

  static Optional<String> closest(String key, Collection<String> known) {
    return known.stream().map(candidate -> Map.entry(candidate, distance(key, candidate)))
        .filter(e -> e.getValue() <= Math.max(2, key.length() / 4))
        .min(Comparator.comparingInt(Map.Entry::getValue)).map(Map.Entry::getKey);
  }

  /** Edit distance (insertions, deletions, substitutions). */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
