package org.affectgate.agent.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.affectgate.features.hrv.HrvFeatures;
import org.affectgate.sync.Metric;
import org.junit.jupiter.api.Test;

class WindowAggregatorTest {
  private static final long END = 1_700_000_060_000L;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WindowAggregator aggregator =
      new WindowAggregator(AggregationConfig.defaults(), registry);

  private static HrvFeatures f(
      String subject,
      String site,
      String programme,
      double hr,
      double rmssd,
      int clean,
      double ratio) {
    return new HrvFeatures(
        subject, site, programme, END, hr, rmssd, 40, 10, 60000 / hr, clean, ratio);
  }

  private static List<HrvFeatures> fiveInS1() {
    return List.of(
        f("pA", "s1", "p1", 60, 20, 50, 0),
        f("pB", "s1", "p1", 70, 30, 45, 0.1),
        f("pC", "s1", "p1", 80, 40, 40, 0.2),
        f("pD", "s1", "p1", 90, 50, 60, 0),
        f("pE", "s1", "p1", 100, 100, 48, 0.04));
  }

  @Test
  void groupOfK_exactStatistics() {
    WindowReport report = aggregator.aggregate(END, fiveInS1());
    assertThat(report.suppressed()).isEmpty();
    Metric m = report.emitted().get(0);
    assertThat(m.measurement()).isEqualTo("hrv_window");
    assertThat(m.timestampMs()).isEqualTo(END);
    // HR 60,70,80,90,100: mean 80; positions (n-1)p = 0.4, 2, 3.6 -> 64, 80, 96
    // RMSSD 20,30,40,50,100: mean 48; 20+0.4*10 = 24, 40, 50+0.6*50 = 80
    // beats: 50+0, 45+5, 40+10, 60+0, 48+2 -> rejected 17 of 260
    assertThat(m.fields())
        .containsEntry("subjects", 5.0)
        .containsEntry("hr_mean", 80.0)
        .containsEntry("hr_p10", 64.0)
        .containsEntry("hr_p50", 80.0)
        .containsEntry("hr_p90", 96.0)
        .containsEntry("rmssd_mean", 48.0)
        .containsEntry("rmssd_p10", 24.0)
        .containsEntry("rmssd_p50", 40.0)
        .containsEntry("rmssd_p90", 80.0)
        .hasSize(10);
    assertThat(m.fields().get("artifact_share")).isCloseTo(17.0 / 260, within(1e-15));
  }

  @Test
  void kMinusOneSubjects_suppressedAndCounted_kSubjectsEmitted() {
    List<HrvFeatures> four = fiveInS1().subList(0, 4);
    WindowReport held = aggregator.aggregate(END, four);
    assertThat(held.emitted()).isEmpty();
    assertThat(held.suppressed()).containsExactly(new SuppressedGroup("s1", "p1", 4));
    assertThat(registry.get("affectgate.aggregate.suppressed").counter().count()).isEqualTo(1);
    assertThat(aggregator.aggregate(END, fiveInS1()).emitted()).hasSize(1);
    assertThat(registry.get("affectgate.aggregate.suppressed").counter().count()).isEqualTo(1);
  }

  @Test
  void groupsAreBySiteAndProgramme_eachCheckedAgainstKSeparately() {
    List<HrvFeatures> in = new ArrayList<>(fiveInS1());
    for (int i = 0; i < 4; i++) {
      in.add(f("q" + i, "s1", "p2", 70, 30, 40, 0)); // same site, other programme
      in.add(f("r" + i, "s2", "p1", 70, 30, 40, 0)); // same programme, other site
    }
    WindowReport report = aggregator.aggregate(END, in);
    assertThat(report.emitted())
        .extracting(m -> m.tags().get("site") + "/" + m.tags().get("programme"))
        .containsExactly("s1/p1");
    assertThat(report.suppressed())
        .containsExactly(new SuppressedGroup("s1", "p2", 4), new SuppressedGroup("s2", "p1", 4));
    assertThat(report.summaryLine())
        .isEqualTo(
            "window 2023-11-14T22:14:20Z: 1 group emitted [s1/p1 n=5], 2 suppressed [s1/p2 n=4 < k, s2/p1 n=4 < k]");
  }

  @Test
  void tags_onlySiteAndProgramme_noSubjectIdInLineProtocol() {
    Metric m = aggregator.aggregate(END, fiveInS1()).emitted().get(0);
    assertThat(m.tags()).containsOnlyKeys("site", "programme");
    String line = m.toLineProtocol();
    for (String subject : List.of("pA", "pB", "pC", "pD", "pE")) {
      assertThat(line).doesNotContain(subject);
    }
    assertThat(line).startsWith("hrv_window,programme=p1,site=s1 artifact_share=");
  }

  @Test
  void replayInAnyOrder_identicalMetricAndLineProtocol() {
    List<HrvFeatures> shuffled = new ArrayList<>(fiveInS1());
    Collections.shuffle(shuffled, new Random(42));
    Metric a = aggregator.aggregate(END, fiveInS1()).emitted().get(0);
    Metric b =
        new WindowAggregator(AggregationConfig.defaults(), new SimpleMeterRegistry())
            .aggregate(END, shuffled)
            .emitted()
            .get(0);
    assertThat(b).isEqualTo(a);
    assertThat(b.toLineProtocol()).isEqualTo(a.toLineProtocol());
  }

  @Test
  void customK_respected() {
    WindowAggregator k3 =
        new WindowAggregator(
            new AggregationConfig(3, "test: a group of three"), new SimpleMeterRegistry());
    assertThat(k3.aggregate(END, fiveInS1().subList(0, 3)).emitted()).hasSize(1);
    assertThat(k3.aggregate(END, fiveInS1().subList(0, 2)).suppressed()).hasSize(1);
  }

  @Test
  void emptyWindow_emptyReport() {
    WindowReport report = aggregator.aggregate(END, List.of());
    assertThat(report.emitted()).isEmpty();
    assertThat(report.suppressed()).isEmpty();
  }

  @Test
  void duplicateSubjectOrForeignWindow_rejectedAsBug() {
    List<HrvFeatures> dup = new ArrayList<>(fiveInS1());
    dup.add(f("pA", "s1", "p1", 61, 21, 50, 0));
    assertThatThrownBy(() -> aggregator.aggregate(END, dup))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> aggregator.aggregate(END + 10_000, fiveInS1()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void configKBelowTwo_rejectedNamingKey() {
    assertThatThrownBy(() -> new AggregationConfig(1, "any reason"))
        .hasMessage("aggregation.k must be >= 2 (got 1)");
    assertThatThrownBy(() -> new AggregationConfig(4))
        .hasMessageStartingWith("aggregation.k must be >= 5 (got 4)")
        .hasMessageContaining("aggregation.kOverrideReason");
  }
}
