package org.affectgate.models.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Nested leave-one-participant-out on synthetic windows (fast, no data). */
class NestedLopoTest {
  private static final HrvRecipe INFORMATIVE =
      new HrvRecipe(RrSource.IBI, FeatureSet.RUNNING, 120, 0.01);
  private static final HrvRecipe NOISE = new HrvRecipe(RrSource.IBI, FeatureSet.RELATIVE, 60, 0.01);

  /** 6 participants x 40 windows; feature 0 carries the label when {@code informative}. */
  private static List<HrvWindows.Window> windows(boolean informative, long seed) {
    Random r = new Random(seed);
    List<HrvWindows.Window> out = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      for (int i = 0; i < 40; i++) {
        int label = i % 3 == 0 ? 1 : 0;
        float[] x = new float[4];
        for (int j = 0; j < 4; j++) {
          x[j] = (float) r.nextGaussian();
        }
        if (informative) {
          x[0] += 2 * label;
        }
        out.add(new HrvWindows.Window("S0" + p, i * 10_000L, x, label));
      }
    }
    return out;
  }

  private static Map<HrvRecipe, List<HrvWindows.Window>> candidates(
      List<HrvWindows.Window> informative) {
    Map<HrvRecipe, List<HrvWindows.Window>> m = new LinkedHashMap<>();
    m.put(NOISE, windows(false, 9));
    m.put(INFORMATIVE, informative);
    return m;
  }

  @Test
  void informativeCandidate_isChosenInEveryFold_andScoresWell() {
    NestedLopo.Result r = NestedLopo.evaluate(candidates(windows(true, 1)));
    assertThat(r.rows()).hasSize(6);
    assertThat(r.rows()).allSatisfy(row -> assertThat(row.chosen()).isEqualTo(INFORMATIVE));
    assertThat(r.participantMeans()[0]).isGreaterThan(0.75);
    assertThat(NestedLopo.select(candidates(windows(true, 1)), Set.of()).recipe())
        .isEqualTo(INFORMATIVE);
  }

  @Test
  void heldOutParticipant_doesNotInfluenceItsOwnChoice() {
    List<HrvWindows.Window> clean = windows(true, 2);
    List<HrvWindows.Window> flipped = new ArrayList<>();
    for (HrvWindows.Window w : clean) {
      flipped.add(
          w.participant().equals("S00")
              ? new HrvWindows.Window(w.participant(), w.windowEndMs(), w.features(), 1 - w.label())
              : w);
    }
    NestedLopo.Row a = NestedLopo.evaluate(candidates(clean)).rows().get(0);
    NestedLopo.Row b = NestedLopo.evaluate(candidates(flipped)).rows().get(0);
    assertThat(b.chosen()).isEqualTo(a.chosen());
    assertThat(b.innerBalancedAccuracy()).isEqualTo(a.innerBalancedAccuracy());
    assertThat(b.metrics().balancedAccuracy()).isLessThan(a.metrics().balancedAccuracy());
  }
}
