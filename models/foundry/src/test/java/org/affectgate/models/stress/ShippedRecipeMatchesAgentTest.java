package org.affectgate.models.stress;

import static org.assertj.core.api.Assertions.assertThat;

import org.affectgate.features.hrv.HrvConfig;
import org.junit.jupiter.api.Test;

/**
 * The shipped hrv-stress model was trained on windows from the agent's HRV engine with {@link
 * HrvStress#SHIPPED}'s settings; the agent's stress stage cuts its windows with {@link
 * HrvConfig#hrvStress} (features module), which must be the same, or the model would see inputs it
 * was never trained on.
 */
class ShippedRecipeMatchesAgentTest {

  @Test
  void shippedRecipe_hrvSettings_equalTheAgentStressStage() {
    assertThat(HrvConfig.hrvStress(HrvConfig.DEFAULT_LATENESS))
        .isEqualTo(HrvStress.SHIPPED.config());
  }

  @Test
  void shippedRecipe_featureSpec_isTheOneTheAgentRequires() {
    assertThat(HrvStress.FEATURE_SPEC).isEqualTo(org.affectgate.models.hrv.HrvRunningBaseline.ID);
  }
}
