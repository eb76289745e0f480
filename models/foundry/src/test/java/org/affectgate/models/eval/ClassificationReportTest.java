package org.affectgate.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationReportTest {

  @Test
  void knownConfusion_givesHandComputedMetrics() {
    ClassificationReport r = new ClassificationReport(List.of("a", "b", "c"));
    // a: 3 right, 1 as b; b: 1 right, 1 as a; c: no examples, predicted once (from b)
    for (int i = 0; i < 3; i++) {
      r.add(0, 0);
    }
    r.add(0, 1);
    r.add(1, 1);
    r.add(1, 0);
    r.add(1, 2);

    assertThat(r.total()).isEqualTo(7);
    assertThat(r.accuracy()).isCloseTo(4 / 7.0, within(1e-12));
    assertThat(r.recall(0)).isCloseTo(0.75, within(1e-12));
    assertThat(r.precision(0)).isCloseTo(0.75, within(1e-12));
    assertThat(r.recall(1)).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(r.precision(1)).isCloseTo(0.5, within(1e-12));
    assertThat(r.recall(2)).isNaN();
    assertThat(r.macroF1()).isCloseTo((0.75 + 0.4) / 2, within(1e-12));
    assertThat(r.unweightedAverageRecall()).isCloseTo((0.75 + 1 / 3.0) / 2, within(1e-12));
    assertThat(r.toTable()).contains("accuracy=0.571");
  }

  @Test
  void missedExamples_countWrongInRecallAndAccuracy_butAreNoFalsePositive() {
    ClassificationReport r = new ClassificationReport(List.of("a", "b"));
    r.add(0, 0);
    r.add(1, 0);
    r.addMissed(0);
    assertThat(r.total()).isEqualTo(3);
    assertThat(r.recall(0)).isCloseTo(0.5, within(1e-12));
    assertThat(r.precision(0)).isCloseTo(0.5, within(1e-12));
    assertThat(r.accuracy()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(r.toTable()).contains("(missed)").contains("a                 1        0        1");
  }
}
