package org.affectgate.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationTest {
  @TempDir Path dir;

  private static Calibration t(double temperature) {
    return Calibration.temperature(temperature, "test", 0.2, 0.05);
  }

  @Test
  void apply_equalsSoftmaxOfLogitsOverTemperature() {
    double[] logits = {2.0, -1.0, 0.5, 0.0};
    double temperature = 2.5;
    float[] p = softmax(logits, 1);
    float[] q = t(temperature).apply(p.clone());
    float[] want = softmax(logits, temperature);
    for (int i = 0; i < want.length; i++) {
      assertThat((double) q[i]).isCloseTo(want[i], within(1e-6));
    }
  }

  @Test
  void apply_keepsTheLargestClass_andSoftensAboveOne_sharpensBelowOne() {
    float[] p = {0.7f, 0.2f, 0.1f};
    float[] soft = t(3).apply(p.clone());
    float[] sharp = t(0.5).apply(p.clone());
    assertThat(soft[0]).isLessThan(0.7f).isGreaterThan(soft[1]);
    assertThat(sharp[0]).isGreaterThan(0.7f);
    assertThat(soft[0] + soft[1] + soft[2]).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void apply_binary_isSigmoidOfLogitOverTemperature_andHalfStaysHalf() {
    double pStress = 0.9;
    float[] q = t(2).apply(new float[] {(float) (1 - pStress), (float) pStress});
    double logit = Math.log(pStress / (1 - pStress));
    assertThat((double) q[1]).isCloseTo(1 / (1 + Math.exp(-logit / 2)), within(1e-6));
    assertThat(t(7).apply(new float[] {0.5f, 0.5f})).containsExactly(0.5f, 0.5f);
  }

  @Test
  void apply_zeroProbability_staysFiniteAndSmall() {
    float[] q = t(2).apply(new float[] {0f, 1f});
    assertThat(q[0]).isBetween(0f, 1e-20f);
    assertThat(q[1]).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void apply_negativeOrNaN_refused() {
    assertThatThrownBy(() -> t(2).apply(new float[] {-0.1f, 1.1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a probability");
    assertThatThrownBy(() -> t(2).apply(new float[] {Float.NaN, 1f}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void construct_outOfRangeValues_refusedNamingTheKey() {
    assertThatThrownBy(() -> t(0))
        .hasMessageContaining("calibration.temperature must be in [0.05, 20.0] (got 0.0)");
    assertThatThrownBy(() -> t(Double.NaN)).hasMessageContaining("calibration.temperature");
    assertThatThrownBy(() -> Calibration.temperature(1.5, " ", 0.1, 0.1))
        .hasMessageContaining("calibration.fittedOn");
    assertThatThrownBy(() -> Calibration.temperature(1.5, "x", 1.5, 0.1))
        .hasMessageContaining("calibration.eceBefore");
    assertThatThrownBy(() -> new Calibration("platt", 1.5, "x", 0.1, 0.1))
        .hasMessageContaining("calibration.method must be 'temperature' (got platt)");
  }

  /** The registry's model carries its manifest calibration; {@code calibrate} applies it. */
  @Test
  void loadedModel_calibrate_appliesTheManifestTemperature() throws Exception {
    byte[] bytes = TinyModel.bytes();
    ModelEntry entry = TinyModel.entry(bytes, List.of("a", "b", "c", "d"), t(2));
    Path manifest = TinyModel.write(dir, entry);
    try (LoadedModel m =
        ModelRegistry.open(ModelRuntimeConfig.of(manifest))
            .load(ModelRequirement.named(TinyModel.NAME))) {
      float[] p = m.infer(new float[] {0.1f, 0.2f, 0.3f, 0.4f});
      float[] q = m.calibrate(p.clone());
      assertThat(q).isEqualTo(t(2).apply(p.clone()));
      assertThat(q[3]).isLessThan(p[3]);
      assertThatThrownBy(() -> m.calibrate(new float[3]))
          .hasMessageContaining("tiny-relu calibration expects 4 probabilities (got 3)");
    }
  }

  @Test
  void loadedModel_withoutCalibration_returnsProbabilitiesUnchanged() throws Exception {
    Path manifest = TinyModel.write(dir);
    try (LoadedModel m =
        ModelRegistry.open(ModelRuntimeConfig.of(manifest))
            .load(ModelRequirement.named(TinyModel.NAME))) {
      float[] p = {0.25f, 0.25f, 0.5f, 0f};
      assertThat(m.calibrate(p)).isSameAs(p).containsExactly(0.25f, 0.25f, 0.5f, 0f);
    }
  }

  private static float[] softmax(double[] z, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v / t);
    }
    double sum = 0;
    double[] e = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      e[i] = Math.exp(z[i] / t - max);
      sum += e[i];
    }
    float[] out = new float[z.length];
    for (int i = 0; i < z.length; i++) {
      out[i] = (float) (e[i] / sum);
    }
    return out;
  }
}
