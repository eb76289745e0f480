package org.affectgate.agent.stress;

import org.affectgate.features.stress.StressInput;

/**
 * One subject's stress estimate for one window; stays on the device (only group aggregates leave).
 *
 * @param input what the model was given
 * @param pStress P(stress) in [0, 1]
 */
public record SubjectStress(StressInput input, double pStress) {
  /** The model card's decision threshold. */
  public static final double THRESHOLD = 0.5;

  public boolean stressed() {
    return pStress >= THRESHOLD;
  }
}
