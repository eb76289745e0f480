package org.affectgate.models.voice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MlpTrainerTest {

  /** XOR of the signs of two features: no linear model gets it, one hidden layer does. */
  private static List<float[]> xorInputs(int[] labels) {
    List<float[]> x = new ArrayList<>();
    int i = 0;
    for (int a = -2; a <= 2; a++) {
      for (int b = -2; b <= 2; b++) {
        if (a == 0 || b == 0) {
          continue;
        }
        x.add(new float[] {a, b});
        labels[i++] = (a > 0) == (b > 0) ? 0 : 1;
      }
    }
    return x;
  }

  private static double accuracy(VoiceClassifier m, List<float[]> x, int[] y) {
    int right = 0;
    for (int i = 0; i < x.size(); i++) {
      double[] p = m.predict(x.get(i));
      right += (p[1] > p[0] ? 1 : 0) == y[i] ? 1 : 0;
    }
    return (double) right / x.size();
  }

  @Test
  void xor_mlpLearnsIt_softmaxCannot() {
    int[] y = new int[16];
    List<float[]> x = xorInputs(y);
    MlpModel mlp = new MlpTrainer(8, 0.0, 400, 2, 7).fit(x, y, 2);
    assertThat(accuracy(mlp, x, y)).isEqualTo(1.0);
    assertThat(accuracy(new SoftmaxTrainer(0, 400).fit(x, y, 2), x, y)).isLessThan(0.8);
  }

  @Test
  void ensemble_isOneWideNetwork_andTrainingIsDeterministic() {
    int[] y = new int[16];
    List<float[]> x = xorInputs(y);
    MlpModel a = new MlpTrainer(4, 0.01, 50, 3, 1).fit(x, y, 2);
    MlpModel b = new MlpTrainer(4, 0.01, 50, 3, 1).fit(x, y, 2);
    assertThat(a.hidden()).isEqualTo(12);
    assertThat(a.w1()).isDeepEqualTo(b.w1());
    assertThat(a.w2()).isDeepEqualTo(b.w2());
    double[] p = a.predict(x.get(0));
    assertThat(p[0] + p[1]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
  }
}
