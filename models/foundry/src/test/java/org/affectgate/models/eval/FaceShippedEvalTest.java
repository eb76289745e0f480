package org.affectgate.models.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FaceShippedEvalTest {
  @Test
  void person_dropsExtensionAndTrailingPhotoNumber_only() {
    assertThat(FaceShippedEval.person("Gerhard_Schroeder_0088.jpg")).isEqualTo("Gerhard_Schroeder");
    assertThat(FaceShippedEval.person("Gala_Leon_Garcia_0001.png")).isEqualTo("Gala_Leon_Garcia");
    assertThat(FaceShippedEval.person("smile_face.jpg")).isEqualTo("smile_face");
    assertThat(FaceShippedEval.person("12345.jpg")).isEqualTo("12345");
  }
}
