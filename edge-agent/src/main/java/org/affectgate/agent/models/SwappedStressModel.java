package org.affectgate.agent.models;

import org.affectgate.features.stress.StressModel;
import org.affectgate.features.stress.StressModelException;

/**
 * The stress stage's model as the agent runs it: each {@link #stressProbability} borrows the slot's
 * current {@code hrv-stress} model (a hot swap takes effect between two subject-windows and never
 * closes a model under one), then runs the shadow, if any, on the same features and records
 * [P(rest), P(stress)] of both. Only the active probability is returned; a shadow failure is
 * counted and changes nothing. Worker threads; {@link #close()} closes both models after their last
 * inference.
 */
final class SwappedStressModel implements StressModel {
  private final ModelSlot<StressModel, StressModel> slot;

  SwappedStressModel(ModelSlot<StressModel, StressModel> slot) {
    this.slot = slot;
  }

  @Override
  public double stressProbability(float[] features) throws StressModelException {
    double p = slot.active().use(m -> m.stressProbability(features));
    slot.compareShadow(
        new float[] {(float) (1 - p), (float) p},
        sh -> {
          double q = sh.stressProbability(features);
          return new float[] {(float) (1 - q), (float) q};
        });
    return p;
  }

  @Override
  public void close() {
    slot.close();
  }
}
