package org.affectgate.agent.models;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * How a shadow candidate's outputs compare with the active model's on the same inputs: the share of
 * inputs where both pick the same class (argmax agreement) and the mean over inputs of the mean
 * absolute difference between their class probabilities (0..1). Meters, tagged {@code model}
 * (active) and {@code shadow}: {@code affectgate.models.shadow.compared}, {@code
 * affectgate.models.shadow.agreed}, {@code affectgate.models.shadow.failed} (the shadow threw or
 * returned another number of classes; the active result is used regardless) and the summary {@code
 * affectgate.models.shadow.abs.diff} (mean = mean absolute probability difference).
 *
 * <p>Thread-safe; {@link #record} runs on the inference thread and only adds to counters.
 */
final class ShadowComparison {
  private final String active;
  private final String shadow;
  private final LongAdder compared = new LongAdder();
  private final LongAdder agreed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final DoubleAdder absDiff = new DoubleAdder();
  private final Counter comparedCounter;
  private final Counter agreedCounter;
  private final Counter failedCounter;
  private final DistributionSummary diffSummary;

  ShadowComparison(String active, String shadow, MeterRegistry registry) {
    this.active = active;
    this.shadow = shadow;
    String[] tags = {"model", active, "shadow", shadow};
    this.comparedCounter = registry.counter("affectgate.models.shadow.compared", tags);
    this.agreedCounter = registry.counter("affectgate.models.shadow.agreed", tags);
    this.failedCounter = registry.counter("affectgate.models.shadow.failed", tags);
    this.diffSummary =
        DistributionSummary.builder("affectgate.models.shadow.abs.diff")
            .description("mean absolute class-probability difference, shadow vs active, per input")
            .tags(tags)
            .register(registry);
  }

  String active() {
    return active;
  }

  String shadow() {
    return shadow;
  }

  /**
   * Compares one input's outputs (class probabilities in label order).
   *
   * @return whether both chose the same class
   */
  boolean record(float[] activeProbs, float[] shadowProbs) {
    if (activeProbs.length != shadowProbs.length || activeProbs.length == 0) {
      failed();
      return false;
    }
    double diff = 0;
    for (int i = 0; i < activeProbs.length; i++) {
      diff += Math.abs(activeProbs[i] - shadowProbs[i]);
    }
    diff /= activeProbs.length;
    boolean same = argmax(activeProbs) == argmax(shadowProbs);
    compared.increment();
    comparedCounter.increment();
    if (same) {
      agreed.increment();
      agreedCounter.increment();
    }
    absDiff.add(diff);
    diffSummary.record(diff);
    return same;
  }

  /** The shadow failed on an input; the active model's output was used. */
  void failed() {
    failed.increment();
    failedCounter.increment();
  }

  long compared() {
    return compared.sum();
  }

  /** Share of compared inputs with the same argmax, or NaN before the first. */
  double agreement() {
    long n = compared.sum();
    return n == 0 ? Double.NaN : (double) agreed.sum() / n;
  }

  /** Mean absolute probability difference, or NaN before the first comparison. */
  double meanAbsDiff() {
    long n = compared.sum();
    return n == 0 ? Double.NaN : absDiff.sum() / n;
  }

  /** The status figures (no inputs, no outputs). */
  Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("of", active);
    m.put("compared", compared());
    m.put("agreement", finiteOrNull(agreement()));
    m.put("meanAbsProbabilityDiff", finiteOrNull(meanAbsDiff()));
    m.put("failed", failed.sum());
    return m;
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }
}
