package org.affectgate.features.hrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.junit.jupiter.api.Test;

class HrvWindowEngineTest {
  /** 10 s windows every 5 s, 1 s lateness, 3 clean beats suffice. */
  private static final HrvConfig SMALL =
      new HrvConfig(
          Duration.ofSeconds(10), Duration.ofSeconds(5), 300, 2000, 0.2, 3, Duration.ofSeconds(1));

  private final CountingEvents events = new CountingEvents();
  private final HrvWindowEngine engine = new HrvWindowEngine(SMALL, events);
  private long seq;

  private HrSample sample(long timestampMs, double... rrs) {
    return sample(timestampMs, Contact.DETECTED, rrs);
  }

  private HrSample sample(long timestampMs, Contact contact, double... rrs) {
    List<Double> list = Arrays.stream(rrs).boxed().toList();
    return new HrSample("site1", "dev-7", seq++, timestampMs, 75, list, contact, null);
  }

  private static HrvFeatures only(List<HrvWindow> out, long windowEndMs) {
    HrvWindow w =
        out.stream().filter(x -> x.windowEndMs() == windowEndMs).findFirst().orElseThrow();
    assertThat(w.features()).hasSize(1);
    return w.features().get(0);
  }

  @Test
  void firstClose_withAncientBeats_catchesUpAtMostAnHour() {
    long now = 10L * 24 * 3_600_000; // ten days after a bridge stamped a frame at boot (t = 9 s)
    engine.onSample("p1", "site1", "prog", sample(9000, 800, 810, 790, 820));
    engine.onSample("p2", "site1", "prog", sample(now - 2000, 800, 810, 790, 820));
    List<HrvWindow> out = engine.closeWindowsUpTo(now + 2000);
    assertThat(out).isNotEmpty();
    assertThat(out)
        .allSatisfy(
            w -> assertThat(w.windowEndMs()).isGreaterThan(now - HrvWindowEngine.MAX_CATCH_UP_MS));
    assertThat(out)
        .allSatisfy(
            w -> assertThat(w.features()).extracting(HrvFeatures::subjectId).containsOnly("p2"));
  }

  @Test
  void lateSample_reportedWithTheSampleSiteAndTimes_notTheDevice() {
    engine.onSample("p1", "site1", "prog", sample(9000, 800, 810, 790, 820));
    engine.closeWindowsUpTo(30_000);
    assertThat(engine.onSample("p1", "site1", "prog", sample(12_000, 800))).isFalse();
    assertThat(events.late).isEqualTo(1);
    assertThat(events.lastLate).containsExactly("site1", 12_000L, 25_000L);
  }

  @Test
  void cleanSequence_featuresMatchHandComputation() {
    // Beats end at 9000, 8220, 7400, 6610, 5800 (last RR ends at the timestamp): all in [0, 10000).
    engine.onSample("p1", "site1", "prog", sample(9000, 800, 810, 790, 820, 780));
    List<HrvWindow> out = engine.closeWindowsUpTo(11_000);
    // MeanNN = (800+810+790+820+780)/5 = 800; HR = 60000/800 = 75
    // deviations 0,10,-10,20,-20 -> squares sum 1000 -> SDNN = sqrt(1000/4) = 15.8113883
    // diffs 10,-20,30,-40 -> squares sum 3000 -> RMSSD = sqrt(3000/4) = 27.3861279
    // no |diff| > 50 -> pNN50 = 0
    assertThat(out).hasSize(1);
    HrvFeatures f = out.get(0).features().get(0);
    assertThat(f.windowEndMs()).isEqualTo(10_000);
    assertThat(f.subjectId()).isEqualTo("p1");
    assertThat(f.site()).isEqualTo("site1");
    assertThat(f.programme()).isEqualTo("prog");
    assertThat(f.meanNnMs()).isEqualTo(800.0);
    assertThat(f.meanHrBpm()).isEqualTo(75.0);
    assertThat(f.sdnnMs()).isCloseTo(15.8113883, within(1e-7));
    assertThat(f.rmssdMs()).isCloseTo(27.3861279, within(1e-7));
    assertThat(f.pnn50Pct()).isEqualTo(0.0);
    assertThat(f.cleanBeats()).isEqualTo(5);
    assertThat(f.artifactRatio()).isEqualTo(0.0);
  }

  @Test
  void rejectedBeat_breaksAdjacency_andCountsInArtifactRatio() {
    // 1500 deviates > 20 % from median(800, 850) = 825 -> successive artifact.
    engine.onSample("p1", "site1", "prog", sample(9000, 800, 850, 1500, 760, 700, 800));
    HrvFeatures f = only(engine.closeWindowsUpTo(11_000), 10_000);
    // clean 800,850,760,700,800: mean 782; deviations 18,68,-22,-82,18 -> squares 12480
    // SDNN = sqrt(12480/4) = sqrt(3120) = 55.8569601
    // adjacent clean pairs: (800,850) = 50, (760,700) = -60, (700,800) = 100; the pairs through
    // the rejected 1500 are skipped. RMSSD = sqrt((2500+3600+10000)/3) = 73.2575365
    // pNN50: 50 is not > 50; 60 and 100 are -> 2/3 = 66.67 %
    assertThat(f.cleanBeats()).isEqualTo(5);
    assertThat(f.meanNnMs()).isEqualTo(782.0);
    assertThat(f.meanHrBpm()).isCloseTo(76.7263427, within(1e-7));
    assertThat(f.sdnnMs()).isCloseTo(55.8569601, within(1e-7));
    assertThat(f.rmssdMs()).isCloseTo(73.2575365, within(1e-7));
    assertThat(f.pnn50Pct()).isCloseTo(200.0 / 3, within(1e-9));
    assertThat(f.artifactRatio()).isEqualTo(1.0 / 6);
    assertThat(f.rejectedBeats()).isEqualTo(1);
    assertThat(f.totalBeats()).isEqualTo(6);
    assertThat(engine.artifactCounts("p1")).contains(new ArtifactCounts(5, 0, 1, 0));
    assertThat(events.artifacts(ArtifactRule.SUCCESSIVE)).isEqualTo(1);
  }

  @Test
  void gapLongerThanRrMax_breaksAdjacencyBetweenSamples() {
    engine.onSample("p1", "site1", "prog", sample(2000, 800, 800));
    // next beat starts at 7000 - 900 = 6100, 4100 ms after the previous end: beats are missing
    engine.onSample("p1", "site1", "prog", sample(7000, 900));
    engine.onSample("p1", "site1", "prog", sample(7900, 900));
    HrvFeatures f = only(engine.closeWindowsUpTo(11_000), 10_000);
    // pairs: (800,800) = 0 and (900,900) = 0; the 800 -> 900 step across the gap is not a pair
    assertThat(f.rmssdMs()).isEqualTo(0.0);
    assertThat(f.cleanBeats()).isEqualTo(4);
  }

  @Test
  void samplesSplitAcrossNotifications_adjacentWhenContiguous() {
    engine.onSample("p1", "site1", "prog", sample(2000, 800, 800));
    engine.onSample("p1", "site1", "prog", sample(2900, 900));
    HrvFeatures f = only(engine.closeWindowsUpTo(11_000), 10_000);
    // diffs 0 and 100 -> RMSSD = sqrt(10000/2)
    assertThat(f.rmssdMs()).isCloseTo(Math.sqrt(5000), within(1e-9));
    assertThat(f.pnn50Pct()).isEqualTo(50.0);
  }

  @Test
  void windowEnds_alignedToEpoch_overlappingWindowsShareBeats() {
    long t0 = 1_700_000_003_217L;
    List<HrvWindow> out = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      engine.onSample("p1", "site1", "prog", sample(t0 + i * 1000L, 500, 500));
      out.addAll(engine.closeWindowsUpTo(t0 + i * 1000L));
    }
    out.addAll(engine.closeWindowsUpTo(t0 + 40_000));
    assertThat(out).isNotEmpty();
    assertThat(out).allSatisfy(w -> assertThat(w.windowEndMs() % 5000).isZero());
    assertThat(out.get(0).windowEndMs()).isEqualTo(1_700_000_005_000L);
    // beats end in [t0 - 500, t0 + 19000]; window ending at ..015000 covers [..005000, ..015000)
    HrvWindow full =
        out.stream().filter(w -> w.windowEndMs() == 1_700_000_015_000L).findFirst().orElseThrow();
    assertThat(full.features().get(0).cleanBeats()).isEqualTo(20);
    long ends = out.stream().map(HrvWindow::windowEndMs).distinct().count();
    assertThat(ends).isEqualTo(out.size());
  }

  @Test
  void beatEndingExactlyAtWindowEnd_belongsToNextWindow() {
    engine.onSample("p1", "site1", "prog", sample(10_000, 800, 800, 800, 800));
    List<HrvWindow> out = engine.closeWindowsUpTo(16_000);
    assertThat(out).extracting(HrvWindow::windowEndMs).containsExactly(10_000L, 15_000L);
    assertThat(out.get(0).features().get(0).cleanBeats()).isEqualTo(3);
    assertThat(out.get(1).features().get(0).cleanBeats()).isEqualTo(4);
  }

  @Test
  void replay_givesIdenticalWindows() {
    List<List<HrvWindow>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      HrvWindowEngine e = new HrvWindowEngine(SMALL, HrvEvents.NONE);
      List<HrvWindow> all = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        long ts = 1_650_000_000_123L + i * 950L;
        e.onSample("p1", "s", "p", sample(ts, 700 + (i % 7) * 10, 720));
        e.onSample("p2", "s", "p", sample(ts + 13, 900, 910 - (i % 3) * 20));
        all.addAll(e.closeWindowsUpTo(ts));
      }
      runs.add(all);
    }
    assertThat(runs.get(0)).isNotEmpty().isEqualTo(runs.get(1));
  }

  @Test
  void windowClosesOnlyAfterLateness() {
    engine.onSample("p1", "site1", "prog", sample(9000, 800, 800, 800));
    assertThat(engine.closeWindowsUpTo(10_999)).isEmpty();
    assertThat(engine.closeWindowsUpTo(11_000))
        .extracting(HrvWindow::windowEndMs)
        .containsExactly(10_000L);
    assertThat(engine.closeWindowsUpTo(11_000)).isEmpty();
  }

  @Test
  void lateSample_droppedAndCounted_laterSampleAccepted() {
    engine.onSample("p1", "site1", "prog", sample(9000, 800, 800, 800));
    engine.closeWindowsUpTo(11_000);
    assertThat(engine.onSample("p1", "site1", "prog", sample(9_999, 800))).isFalse();
    assertThat(events.late).isEqualTo(1);
    assertThat(engine.onSample("p1", "site1", "prog", sample(10_000, 800))).isTrue();
    assertThat(engine.bufferedBeats("p1")).isEqualTo(4);
  }

  @Test
  void fewerCleanBeatsThanMinimum_noFeatures_windowStillReported() {
    engine.onSample("p1", "site1", "prog", sample(9000, 800, 800, 100, 150));
    List<HrvWindow> out = engine.closeWindowsUpTo(11_000);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).features()).isEmpty();
    assertThat(events.skipped(SkipReason.FEW_CLEAN_BEATS)).isEqualTo(1);
  }

  @Test
  void contactLost_beatsRejected() {
    engine.onSample("p1", "site1", "prog", sample(9000, Contact.NOT_DETECTED, 800, 800, 800));
    engine.onSample("p1", "site1", "prog", sample(9800, 800));
    assertThat(engine.closeWindowsUpTo(11_000).get(0).features()).isEmpty();
    assertThat(engine.artifactCounts("p1")).contains(new ArtifactCounts(1, 0, 0, 3));
  }

  @Test
  void idleSubject_evictedAfterWindowPlusLateness() {
    engine.onSample("p1", "site1", "prog", sample(9000, 800, 800, 800));
    engine.onSample("p2", "site1", "prog", sample(20_000, 800, 800, 800));
    engine.closeWindowsUpTo(20_000); // p1 idle 11 s = window + lateness: kept
    assertThat(engine.subjectCount()).isEqualTo(2);
    engine.closeWindowsUpTo(20_001);
    assertThat(engine.subjectCount()).isEqualTo(1);
    assertThat(engine.artifactCounts("p1")).isEmpty();
    assertThat(events.evicted).isEqualTo(1);
  }

  @Test
  void purge_forgetsSubjectImmediately() {
    engine.onSample("p1", "site1", "prog", sample(9000, 800, 800, 800));
    engine.purge("p1");
    engine.purge("unknown");
    assertThat(engine.subjectCount()).isZero();
    assertThat(engine.closeWindowsUpTo(11_000)).isEmpty();
  }

  @Test
  void longRun_bufferStaysWithinWindowPlusLatenessPlusStep() {
    int most = 0;
    for (int i = 0; i < 3600; i++) {
      long ts = 1_000_000L + i * 1000L;
      engine.onSample("p1", "site1", "prog", sample(ts, 500, 500));
      engine.closeWindowsUpTo(ts);
      most = Math.max(most, engine.bufferedBeats("p1"));
    }
    // 2 beats/s; at most (10 + 1 + 5) s of beats survive
    assertThat(most).isLessThanOrEqualTo(2 * 16 + 2);
    assertThat(events.overflowedBeats).isZero();
  }

  @Test
  void nonsenseRrFlood_boundedByOverflowCap() {
    double[] tiny = new double[1000];
    Arrays.fill(tiny, 1.0);
    engine.onSample("p1", "site1", "prog", sample(5000, tiny));
    int cap = (int) Math.ceil(2.0 * 11_000 / 300) + 16;
    assertThat(engine.bufferedBeats("p1")).isEqualTo(cap);
    assertThat(events.overflowedBeats).isEqualTo(1000 - cap);
  }

  @Test
  void closeOnlyWhenSamplesArrive_longDataGap_openWindowBeatsKept() {
    // regression: beats of still-open windows were pruned when a much newer sample arrived
    engine.onSample("p1", "site1", "prog", sample(9000, 800, 800, 800));
    engine.closeWindowsUpTo(9000);
    engine.onSample("p1", "site1", "prog", sample(60_000, 800));
    List<HrvWindow> out = engine.closeWindowsUpTo(60_000);
    assertThat(only(out, 10_000).cleanBeats()).isEqualTo(3);
    assertThat(only(out, 15_000).cleanBeats()).isEqualTo(3);
  }
}
