package org.affectgate.models.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * The documented split of development data into a part that calibration is fitted on and a part it
 * is measured on, by group (speaker, participant, person), so no group is on both sides: the
 * distinct group ids are sorted, shuffled with {@code java.util.Random(seed)} (an algorithm fixed
 * by the Java specification, so every JVM gives the same order), and the first {@code ceil(n / 2)}
 * form the fitting part.
 *
 * @param fit group ids of the fitting part, sorted
 * @param rest group ids of the measuring part, sorted
 */
public record SeededSplit(List<String> fit, List<String> rest) {
  /** The seed the shipped calibrations were fitted with (the number). */
  public static final long SEED = 15L;

  /**
   * @param groups group ids (duplicates ignored); at least two distinct
   * @throws IllegalArgumentException with fewer than two distinct groups
   */
  public static SeededSplit of(Collection<String> groups, long seed) {
    List<String> ids = new ArrayList<>(new TreeSet<>(groups));
    if (ids.size() < 2) {
      throw new IllegalArgumentException(
          "a fit/measure split needs at least 2 groups (got " + ids.size() + ")");
    }
    Collections.shuffle(ids, new Random(seed));
    int half = (ids.size() + 1) / 2;
    return new SeededSplit(
        List.copyOf(new TreeSet<>(ids.subList(0, half))),
        List.copyOf(new TreeSet<>(ids.subList(half, ids.size()))));
  }
}
