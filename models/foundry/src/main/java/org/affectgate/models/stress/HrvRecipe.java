package org.affectgate.models.stress;

import java.time.Duration;
import java.util.Locale;
import org.affectgate.features.hrv.HrvConfig;

/**
 * One way of turning Stress-Predict into {@code hrv-stress} training windows and a model: where the
 * beats come from, the agent HRV stage's window length (step 10 s, other settings default), which
 * per-subject input set, and the logistic regression's L2 penalty.
 *
 * @param source beats
 * @param inputs per-subject model inputs
 * @param windowSeconds HRV window length, s; a multiple of 10
 * @param l2 see {@link LogisticTrainer#l2()}
 */
public record HrvRecipe(RrSource source, FeatureSet inputs, int windowSeconds, double l2) {

  /** The agent's HRV stage settings for this recipe. */
  public HrvConfig config() {
    return new HrvConfig(
        Duration.ofSeconds(windowSeconds),
        HrvConfig.DEFAULT_STEP,
        HrvConfig.DEFAULT_RR_MIN_MS,
        HrvConfig.DEFAULT_RR_MAX_MS,
        HrvConfig.DEFAULT_MAX_SUCCESSIVE_CHANGE,
        HrvConfig.DEFAULT_MIN_CLEAN_BEATS,
        HrvConfig.DEFAULT_LATENESS);
  }

  public LogisticTrainer trainer() {
    return new LogisticTrainer(l2);
  }

  public String name() {
    return String.format(Locale.ROOT, "%s %ds %s l2=%s", source, windowSeconds, inputs, l2);
  }
}
