package org.affectgate.agent.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the fault suite tells a re-sent point from one stored with two different values. */
class StoredPointsTest {
  private static final String A = "hrv_window,programme=p,site=s 1000";
  private static final String B = "hrv_window,programme=p,site=s 6000";
  private static final String C = "hrv_window,programme=p,site=s 11000";

  private final StoredPoints stored =
      new StoredPoints(
          Map.of(
              A, Map.of("hr_mean", List.of(70.0), "subjects", List.of(6.0)),
              B, Map.of("hr_mean", List.of(71.5, 71.5), "subjects", List.of(6.0, 6.0)),
              C, Map.of("hr_mean", List.of(72.0, 64.0), "subjects", List.of(6.0, 6.0))));

  @Test
  void sameValuesTwice_isResent_differentValues_isConflicting() {
    assertThat(stored.duplicated()).containsExactlyInAnyOrder(B, C);
    assertThat(stored.resent()).containsExactly(B);
    assertThat(stored.conflicting()).containsExactly(C);
    assertThat(stored.duplicates()).isEqualTo(2);
    assertThat(stored.copies(A)).isEqualTo(1);
  }

  @Test
  void describe_namesTheKeyTheCopiesAndEveryValue() {
    assertThat(stored.describe(C))
        .startsWith(C + ": 2 copies (DIFFERENT values)")
        .contains("hr_mean=[72.0, 64.0]");
    assertThat(stored.describe(B)).contains("2 copies (identical values)");
  }
}
