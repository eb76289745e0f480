package org.affectgate.agent.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeploymentContextGuardTest {
  private static DeploymentContextGuard guard(DeploymentContext c, String purpose) {
    return new DeploymentContextGuard(new DeploymentConfig(c, Optional.ofNullable(purpose)));
  }

  @ParameterizedTest
  @EnumSource(
      value = DeploymentContext.class,
      names = {"WORKPLACE", "EDUCATION"},
      mode = EnumSource.Mode.EXCLUDE)
  void otherContexts_allowEverything(DeploymentContext c) {
    DeploymentContextGuard g = guard(c, null);
    for (Inference i : Inference.values()) {
      assertThat(g.allows(i)).as(c + " " + i).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DeploymentContext.class,
      names = {"WORKPLACE", "EDUCATION"})
  void workplaceOrEducation_refusesFaceAndVoice_allowsHrv(DeploymentContext c) {
    DeploymentContextGuard g = guard(c, null);
    assertThat(g.allows(Inference.HRV_WELLNESS)).isTrue();
    assertThat(g.allows(Inference.FACE_EMOTION)).isFalse();
    assertThat(g.allows(Inference.VOICE_EMOTION)).isFalse();
    assertThatThrownBy(() -> g.require(Inference.VOICE_EMOTION))
        .isInstanceOf(InferenceRefusedException.class)
        .hasMessageStartingWith(
            "voice-emotion inference is prohibited in a " + c.key() + " context")
        .hasMessageContaining("EU AI Act Art. 5(1)(f)")
        .hasMessageContaining("contextPurpose");
  }

  @Test
  void workplaceWithSafetyPurpose_allowsFaceAndVoice() {
    DeploymentContextGuard g =
        guard(DeploymentContext.WORKPLACE, "safety: driver fatigue monitoring in the depot");
    g.require(Inference.FACE_EMOTION);
    assertThat(g.allows(Inference.VOICE_EMOTION)).isTrue();
    assertThat(g.describe().get(0))
        .isEqualTo(
            "context workplace with declared purpose \"safety: driver fatigue monitoring in the"
                + " depot\"");
  }

  @Test
  void describe_saysWhatWillAndWillNotBeInferred() {
    assertThat(guard(DeploymentContext.EDUCATION, null).describe())
        .hasSize(4)
        .first()
        .isEqualTo("context education");
    assertThat(guard(DeploymentContext.EDUCATION, null).describe())
        .anySatisfy(l -> assertThat(l).startsWith("may infer hrv-wellness"))
        .anySatisfy(l -> assertThat(l).startsWith("will NOT infer face-emotion: "))
        .anySatisfy(l -> assertThat(l).startsWith("will NOT infer voice-emotion: "));
  }

  @Test
  void purposeNotMedicalOrSafety_rejectedNamingKey() {
    assertThatThrownBy(() -> guard(DeploymentContext.WORKPLACE, "productivity: team mood"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("contextPurpose must read 'medical: <description>'");
    assertThatThrownBy(() -> guard(DeploymentContext.WORKPLACE, "medical: x"))
        .hasMessageContaining("at least 10 characters");
  }

  @Test
  void blankPurpose_isNoPurpose() {
    assertThat(guard(DeploymentContext.WORKPLACE, "  ").allows(Inference.FACE_EMOTION)).isFalse();
  }
}
