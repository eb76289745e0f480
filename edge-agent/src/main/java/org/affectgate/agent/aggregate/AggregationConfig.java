package org.affectgate.agent.aggregate;

/**
 * Settings of the k-anonymous aggregation stage. Immutable, validated at construction.
 *
 * <p>Why at least {@value #MIN_K}: every aggregate that leaves the gateway (HRV, stress and voice
 * windows) and the erasure of unsent points rely on a group being too large to single a person out;
 * with 2 or 3 people, one participant who knows their own values can read the others' off a mean or
 * a percentile. A smaller k is therefore refused unless {@code aggregation.kOverrideReason} says,
 * in words an auditor can check, why this deployment accepts the weaker protection (a supervised
 * lab pilot, say); the reason is printed by {@code check-config} and logged at start-up.
 *
 * @param k fewest distinct subjects a (site, programme) group needs in a window to be published
 *     ({@code aggregation.k}, default {@value #DEFAULT_K}); at least {@value #MIN_K}, or at least
 *     {@value #ABSOLUTE_MIN_K} with an override reason
 * @param kOverrideReason {@code aggregation.kOverrideReason}: why a k below {@value #MIN_K} is
 *     acceptable here; {@code null} (absent) otherwise, and refused when k needs no override
 */
public record AggregationConfig(int k, String kOverrideReason) {
  public static final int DEFAULT_K = 5;

  /** The smallest k without an override. */
  public static final int MIN_K = 5;

  /** The smallest k with an override: a "group" of one is a person. */
  public static final int ABSOLUTE_MIN_K = 2;

  /**
   * @throws IllegalArgumentException naming {@code aggregation.k} or {@code
   *     aggregation.kOverrideReason}
   */
  public AggregationConfig {
    if (k < ABSOLUTE_MIN_K) {
      throw new IllegalArgumentException(
          "aggregation.k must be >= " + ABSOLUTE_MIN_K + " (got " + k + ")");
    }
    if (kOverrideReason != null && kOverrideReason.isBlank()) {
      throw new IllegalArgumentException(
          "aggregation.kOverrideReason must say why k below " + MIN_K + " is acceptable here");
    }
    if (k < MIN_K && kOverrideReason == null) {
      throw new IllegalArgumentException(
          "aggregation.k must be >= "
              + MIN_K
              + " (got "
              + k
              + "): smaller groups let a member infer the others' values; set"
              + " aggregation.kOverrideReason to say why this deployment needs it");
    }
    if (k >= MIN_K && kOverrideReason != null) {
      throw new IllegalArgumentException(
          "aggregation.kOverrideReason is set but aggregation.k is "
              + k
              + " (>= "
              + MIN_K
              + " needs no override); remove it");
    }
  }

  /**
   * @param k at least {@value #MIN_K}
   * @throws IllegalArgumentException naming {@code aggregation.k} otherwise
   */
  public AggregationConfig(int k) {
    this(k, null);
  }

  public static AggregationConfig defaults() {
    return new AggregationConfig(DEFAULT_K);
  }

  /** Whether k is below {@value #MIN_K} by an explicit override. */
  public boolean overridden() {
    return kOverrideReason != null;
  }
}
