package org.affectgate.agent.models;

import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.features.voice.VoiceEstimate;
import org.affectgate.features.voice.VoiceModelException;

/**
 * The voice stage's model as the agent runs it: each {@link #estimate} borrows the slot's current
 * {@code voice-emotion} model (so a hot swap takes effect between two segments and never closes a
 * model under one), then, when the manifest names a shadow, runs the shadow on the same feature
 * vector and records the comparison. Only the active estimate is returned: the shadow's output goes
 * nowhere but {@link ShadowComparison}. A shadow failure is counted and does not affect the result.
 * Voice worker thread; {@link #close()} closes both models after their last inference.
 */
final class SwappedVoiceModel implements VoiceEmotionModel {
  private final ModelSlot<VoiceEmotionModel, VoiceEmotionModel> slot;

  SwappedVoiceModel(ModelSlot<VoiceEmotionModel, VoiceEmotionModel> slot) {
    this.slot = slot;
  }

  @Override
  public VoiceEstimate estimate(float[] features) throws VoiceModelException {
    VoiceEstimate estimate = slot.active().use(m -> m.estimate(features));
    slot.compareShadow(estimate.probabilities(), sh -> sh.estimate(features).probabilities());
    return estimate;
  }

  @Override
  public void close() {
    slot.close();
  }
}
