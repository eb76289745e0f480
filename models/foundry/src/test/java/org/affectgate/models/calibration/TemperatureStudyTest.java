package org.affectgate.models.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.affectgate.models.eval.Reliability;
import org.junit.jupiter.api.Test;

/**
 * {@link TemperatureStudy#measuredAt} measures any temperature on exactly the part {@link
 * TemperatureStudy#of} measures on, so a refit can be compared with the manifest's current T on the
 * same people.
 */
class TemperatureStudyTest {
  /** 40 people, 3 over-confident outputs each, about 60 % right. */
  private static List<Prediction> predictions() {
    Random r = new Random(3);
    List<Prediction> out = new ArrayList<>();
    for (int person = 0; person < 40; person++) {
      for (int k = 0; k < 3; k++) {
        int truth = r.nextInt(3);
        int top = r.nextDouble() < 0.6 ? truth : (truth + 1) % 3;
        float[] p = {0.03f, 0.03f, 0.03f};
        p[top] = 0.94f;
        out.add(new Prediction("p" + person, truth, p));
      }
    }
    return out;
  }

  @Test
  void measuredAt_isTheMeasuringPartOfTheStudy() {
    List<Prediction> ps = predictions();
    TemperatureStudy study = TemperatureStudy.of(ps, 15);

    Reliability raw = TemperatureStudy.measuredAt(ps, 15, 1);
    Reliability fitted = TemperatureStudy.measuredAt(ps, 15, study.temperature());

    assertThat(raw.n()).isEqualTo(study.before().n()).isLessThan(ps.size());
    assertThat(raw.ece()).isEqualTo(study.before().ece());
    assertThat(fitted.ece()).isEqualTo(study.after().ece());
    assertThat(fitted.ece()).isLessThan(raw.ece());
  }
}
