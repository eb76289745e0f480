package org.affectgate.models.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.affectgate.models.testing.SharedInputs;
import org.junit.jupiter.api.Test;

/** Training is deterministic and the committed coefficients are what it produces. */
class HrvStressTrainingTest {

  @Test
  void trainingOnSharedDataset_reproducesCommittedCoefficientsByteForByte() throws Exception {
    Path data = SharedInputs.repoRoot().resolve("../shared/datasets/stress-predict").normalize();
    assertThat(data).as("shared Stress-Predict data (read ../shared/README.md)").isDirectory();
    HrvStressParameters trained = HrvStress.train(data);
    assertThat(trained.participants()).hasSize(29).doesNotContain("S01");
    assertThat(SharedInputs.shippedModels().resolve(HrvStress.PARAMETERS))
        .hasBinaryContent(trained.toBytes());
  }
}
