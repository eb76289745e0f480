package org.affectgate.models.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorstQuartileTest {

  @Test
  void takesTheLowestQuarterOfTwentyNineParticipantsLowestFirst() {
    Map<String, Double> ba = new LinkedHashMap<>();
    for (int i = 0; i < 29; i++) {
      ba.put(String.format("S%02d", i + 2), 0.5 + i * 0.01);
    }
    ba.put("S11", 0.30);
    ba.put("S03", 0.20);

    WorstQuartile w = WorstQuartile.of(ba);

    assertThat(w.of()).isEqualTo(29);
    assertThat(w.participants()).containsExactly("S03", "S11", "S02", "S04", "S05", "S06", "S07");
    assertThat(w.mean()).isCloseTo((0.20 + 0.30 + 0.50 + 0.52 + 0.53 + 0.54 + 0.55) / 7, within());
    assertThat(w.toString()).startsWith("mean 0.449 (7 of 29: S03 0.200, S11 0.300, S02 0.500,");
  }

  @Test
  void leavesNanOutAndKeepsAtLeastOneParticipant() {
    Map<String, Double> ba = new LinkedHashMap<>();
    ba.put("S28", Double.NaN);
    ba.put("S02", 0.7);
    ba.put("S03", 0.6);

    WorstQuartile w = WorstQuartile.of(ba);

    assertThat(w.of()).isEqualTo(2);
    assertThat(w.participants()).containsExactly("S03");
    assertThat(w.toString()).isEqualTo("mean 0.600 (1 of 2: S03 0.600)");
  }

  @Test
  void noFiniteValueGivesNotAvailable() {
    WorstQuartile w = WorstQuartile.of(Map.of("S28", Double.NaN));

    assertThat(w.participants()).isEmpty();
    assertThat(w.mean()).isNaN();
    assertThat(w.toString()).isEqualTo("n/a");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }
}
