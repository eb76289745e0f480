package org.affectgate.agent.aggregate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Splits one window's per-subject values into (site, programme) groups, the unit every k-anonymous
 * aggregate is computed and checked over. Groups come in (site, programme) order, values in input
 * order.
 */
public final class SiteProgrammeGroups {
  /** Where one per-subject value belongs. */
  public record Member(long windowEndMs, String subjectId, String site, String programme) {}

  private SiteProgrammeGroups() {}

  /**
   * @param what the values' name in error messages, e.g. {@code feature}
   * @throws IllegalArgumentException if a value belongs to another window or a subject appears
   *     twice (a bug upstream: it would inflate the subject count k is checked against)
   */
  public static <T> List<List<T>> of(
      long windowEndMs, List<T> values, Function<T, Member> member, String what) {
    Map<String, List<T>> groups = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (T value : values) {
      Member m = member.apply(value);
      if (m.windowEndMs() != windowEndMs) {
        throw new IllegalArgumentException(
            what + " of window " + m.windowEndMs() + " passed for window " + windowEndMs);
      }
      if (!seen.add(m.subjectId())) {
        throw new IllegalArgumentException("subject appears twice in window " + windowEndMs);
      }
      groups
          .computeIfAbsent(m.site() + "\u0000" + m.programme(), g -> new ArrayList<>())
          .add(value);
    }
    return List.copyOf(groups.values());
  }
}
