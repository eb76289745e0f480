package org.affectgate.features.hrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RrArtifactFilterTest {
  private final CountingEvents events = new CountingEvents();
  private final RrArtifactFilter filter = new RrArtifactFilter(HrvConfig.defaults(), events);

  @Test
  void outsidePhysiologicalRange_rejectedAsRange_boundsInclusive() {
    RrArtifactFilter.History h = filter.newHistory();
    assertThat(filter.check(h, 299.9, false)).contains(ArtifactRule.RANGE);
    assertThat(filter.check(h, 2000.1, false)).contains(ArtifactRule.RANGE);
    assertThat(filter.check(h, Double.NaN, false)).contains(ArtifactRule.RANGE);
    assertThat(filter.check(h, Double.POSITIVE_INFINITY, false)).contains(ArtifactRule.RANGE);
    assertThat(filter.check(filter.newHistory(), 300, false)).isEmpty();
    assertThat(filter.check(filter.newHistory(), 2000, false)).isEmpty();
    assertThat(events.artifacts(ArtifactRule.RANGE)).isEqualTo(4);
    assertThat(h.counts()).isEqualTo(new ArtifactCounts(0, 4, 0, 0));
  }

  @Test
  void deviationFromMedianOfLastFiveAccepted_rejectedAboveTwentyPercent() {
    RrArtifactFilter.History h = filter.newHistory();
    for (double rr : new double[] {700, 800, 810, 790, 820, 800}) {
      assertThat(filter.check(h, rr, false)).isEmpty();
    }
    // last five accepted: 800, 810, 790, 820, 800 -> median 800 (the 700 has left the window);
    // 20 % of 800 = 160, so 640 and 960 are the inclusive limits.
    assertThat(filter.check(h, 961, false)).contains(ArtifactRule.SUCCESSIVE);
    assertThat(filter.check(h, 639, false)).contains(ArtifactRule.SUCCESSIVE);
    assertThat(filter.check(h, 960, false)).isEmpty();
    assertThat(events.artifacts(ArtifactRule.SUCCESSIVE)).isEqualTo(2);
    assertThat(h.counts()).isEqualTo(new ArtifactCounts(7, 0, 2, 0));
  }

  @Test
  void medianReference_oneOutlierAcceptedDoesNotShiftTheReference() {
    RrArtifactFilter.History h = filter.newHistory();
    for (double rr : new double[] {800, 800, 800, 800, 950}) {
      assertThat(filter.check(h, rr, false)).isEmpty();
    }
    // median of 800,800,800,800,950 is still 800: 961 is rejected although it is within 20 % of 950
    assertThat(filter.check(h, 961, false)).contains(ArtifactRule.SUCCESSIVE);
  }

  @Test
  void firstBeat_noHistory_acceptedWhenInRange() {
    assertThat(filter.check(filter.newHistory(), 1900, false)).isEmpty();
  }

  @Test
  void fiveConsecutiveSuccessiveRejections_resynchroniseOnNewRhythm() {
    RrArtifactFilter.History h = filter.newHistory();
    assertThat(filter.check(h, 1500, false)).isEmpty(); // a bad first reference
    for (int i = 0; i < RrArtifactFilter.RECENT; i++) {
      assertThat(filter.check(h, 700, false)).contains(ArtifactRule.SUCCESSIVE);
    }
    assertThat(filter.check(h, 700, false)).isEmpty();
    assertThat(filter.check(h, 710, false)).isEmpty();
    assertThat(filter.check(h, 1500, false)).contains(ArtifactRule.SUCCESSIVE);
  }

  @Test
  void contactLost_rejectedAsContact_historyUntouched() {
    RrArtifactFilter.History h = filter.newHistory();
    filter.check(h, 800, false);
    assertThat(filter.check(h, 800, true)).contains(ArtifactRule.CONTACT);
    assertThat(filter.check(h, 1100, false)).contains(ArtifactRule.SUCCESSIVE);
    assertThat(events.artifacts(ArtifactRule.CONTACT)).isEqualTo(1);
    assertThat(h.counts().artifactRatio()).isEqualTo(2.0 / 3);
  }

  @Test
  void histories_areIndependentPerSubject() {
    RrArtifactFilter.History a = filter.newHistory();
    RrArtifactFilter.History b = filter.newHistory();
    filter.check(a, 600, false);
    assertThat(filter.check(b, 1200, false)).isEmpty();
    assertThat(filter.check(a, 1200, false)).isEqualTo(Optional.of(ArtifactRule.SUCCESSIVE));
  }
}
