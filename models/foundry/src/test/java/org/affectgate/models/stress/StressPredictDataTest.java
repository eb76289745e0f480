package org.affectgate.models.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.TreeMap;
import org.affectgate.models.stress.StressPredictData.Beat;
import org.affectgate.models.stress.StressPredictData.Labels;
import org.affectgate.models.stress.StressPredictData.Recording;
import org.junit.jupiter.api.Test;

class StressPredictDataTest {

  private static Labels labels(long from, long to, int label, long stressFrom) {
    TreeMap<Long, Integer> m = new TreeMap<>();
    for (long s = from; s < to; s++) {
      m.put(s, s >= stressFrom ? 1 : label);
    }
    return new Labels(m);
  }

  @Test
  void windowInsideOneTask_getsItsLabel() {
    Labels l = labels(1000, 2000, 0, 1500);
    assertThat(l.windowLabel(1_600_000, 1_660_000, 0.9)).isEqualTo(1);
    assertThat(l.windowLabel(1_100_000, 1_160_000, 0.9)).isEqualTo(0);
  }

  @Test
  void windowStraddlingTaskBoundary_isLeftOut() {
    Labels l = labels(1000, 2000, 0, 1500);
    assertThat(l.windowLabel(1_470_000, 1_530_000, 0.9)).isEqualTo(-1);
  }

  @Test
  void windowMostlyOutsideLabelledSeconds_isLeftOut() {
    Labels l = labels(1000, 2000, 0, 5000);
    assertThat(l.windowLabel(1_950_000, 2_010_000, 0.9)).isEqualTo(-1);
    assertThat(l.windowLabel(1_940_000, 2_000_000, 0.9)).isEqualTo(0);
  }

  @Test
  void hrSource_placesOneBeatPer60000OverBpmMilliseconds() {
    Recording r =
        new Recording(
            "S99",
            List.of(),
            1_000_000,
            new double[] {60, 60, 120, 120},
            new Labels(new TreeMap<>()));
    List<Beat> beats = RrSource.HR.beats(r);
    assertThat(beats)
        .extracting(Beat::endMs)
        .containsExactly(1_001_000L, 1_002_000L, 1_002_500L, 1_003_000L, 1_003_500L);
    assertThat(beats.get(2).rrMs()).isCloseTo(500, within(1e-9));
  }
}
