package org.affectgate.agent.aggregate;

/**
 * Settings of the k-anonymous aggregation stage. Immutable, validated at construction.
 *
 * @param k fewest distinct subjects a (site, programme) group needs in a window to be published
 *     ({@code aggregation.k}, default {@value #DEFAULT_K}, at least 2)
 */
public record AggregationConfig(int k) {
  public static final int DEFAULT_K = 5;

  public AggregationConfig {
    if (k < 2) {
      throw new IllegalArgumentException("aggregation.k must be >= 2 (got " + k + ")");
    }
  }

  public static AggregationConfig defaults() {
    return new AggregationConfig(DEFAULT_K);
  }
}
