package org.affectgate.agent.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.aggregate.SuppressedGroup;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.features.stress.StressInput;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StressAggregatorTest {
  private static final long END = 1_800_000_000_000L;
  private static final int K = 5;

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final StressAggregator aggregator =
      new StressAggregator(new AggregationConfig(K), registry);
  private SqliteOutbox outbox;
  private EgressGate gate;

  @BeforeEach
  void open() {
    outbox =
        SqliteOutbox.open(
            OutboxConfig.defaults(dir.resolve("outbox.db")),
            InstantSource.fixed(Instant.ofEpochMilli(END)),
            registry);
    gate =
        new EgressGate(
            outbox, List.of(EgressSchema.HRV_WINDOW, EgressSchema.HRV_STRESS_WINDOW), K, registry);
  }

  @AfterEach
  void close() {
    outbox.close();
  }

  private static SubjectStress estimate(String subject, String site, String programme, double p) {
    return new SubjectStress(
        new StressInput(subject, site, programme, END, new float[4], new Object()), p);
  }

  private static List<SubjectStress> group(String site, String programme, double... ps) {
    List<SubjectStress> out = new ArrayList<>();
    for (int i = 0; i < ps.length; i++) {
      out.add(estimate(site + "-" + programme + "-" + i, site, programme, ps[i]));
    }
    return out;
  }

  @Test
  void groupOfK_emitsCountsShareAndMeanTaggedBySiteAndProgrammeOnly() {
    StressReport report = aggregator.aggregate(END, group("s1", "p1", 0.1, 0.5, 0.49, 0.9, 0.7));

    assertThat(report.suppressed()).isEmpty();
    assertThat(report.emitted()).hasSize(1);
    Metric m = report.emitted().get(0);
    assertThat(m.measurement()).isEqualTo("hrv_stress_window");
    assertThat(m.tags()).isEqualTo(Map.of("site", "s1", "programme", "p1"));
    assertThat(m.timestampMs()).isEqualTo(END);
    assertThat(m.fields())
        .containsOnlyKeys("subjects", "stressed", "stress_share", "p_stress_mean");
    assertThat(m.fields().get("subjects")).isEqualTo(5.0);
    assertThat(m.fields().get("stressed")).isEqualTo(3.0); // 0.5 counts: the card's threshold
    assertThat(m.fields().get("stress_share")).isEqualTo(0.6);
    assertThat(m.fields().get("p_stress_mean"))
        .isCloseTo((0.1 + 0.5 + 0.49 + 0.9 + 0.7) / 5, within(1e-12));
    assertThat(registry.counter("affectgate.stress.emitted").count()).isEqualTo(1);
  }

  @Test
  void groupBelowK_suppressedAndCountedWhileOtherGroupsEmit() {
    List<SubjectStress> all = new ArrayList<>(group("s1", "p1", 0.9, 0.9, 0.9, 0.9));
    all.addAll(group("s1", "p2", 0.2, 0.3, 0.4, 0.6, 0.8, 0.1));

    StressReport report = aggregator.aggregate(END, all);

    assertThat(report.suppressed()).containsExactly(new SuppressedGroup("s1", "p1", 4));
    assertThat(report.emitted()).extracting(m -> m.tags().get("programme")).containsExactly("p2");
    assertThat(registry.counter("affectgate.stress.suppressed").count()).isEqualTo(1);
  }

  @Test
  void emittedPoints_passTheEgressGateIntoTheOutbox() {
    StressReport report = aggregator.aggregate(END, group("s1", "p1", 0.2, 0.3, 0.4, 0.6, 0.8));

    assertThat(gate.enqueue(report.emitted()).added()).isEqualTo(1);
    assertThat(outbox.peek(10)).hasSize(1);
  }

  @Test
  void forgedPoints_refusedByTheEgressGate() {
    Metric ok =
        aggregator.aggregate(END, group("s1", "p1", 0.2, 0.3, 0.4, 0.6, 0.8)).emitted().get(0);
    TreeMap<String, Double> fewer = new TreeMap<>(ok.fields());
    fewer.put("subjects", (double) K - 1);
    TreeMap<String, String> subjectTag = new TreeMap<>(ok.tags());
    subjectTag.put("subject", "abc");
    TreeMap<String, Double> perPerson = new TreeMap<>(ok.fields());
    perPerson.put("p_stress_max", 0.8);

    assertThat(gate.violation(ok)).isEmpty();
    assertThat(gate.violation(new Metric(ok.measurement(), ok.tags(), fewer, END)))
        .hasValueSatisfying(r -> assertThat(r).contains("below k"));
    assertThat(gate.violation(new Metric(ok.measurement(), subjectTag, ok.fields(), END)))
        .hasValueSatisfying(r -> assertThat(r).startsWith("tags"));
    assertThat(gate.violation(new Metric(ok.measurement(), ok.tags(), perPerson, END)))
        .hasValueSatisfying(r -> assertThat(r).contains("p_stress_max"));
  }

  @Test
  void subjectTwiceInAWindow_rejectedAsABug() {
    List<SubjectStress> twice = new ArrayList<>(group("s1", "p1", 0.2, 0.3, 0.4, 0.6));
    twice.add(estimate("s1-p1-0", "s1", "p1", 0.9));
    assertThatThrownBy(() -> aggregator.aggregate(END, twice))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
  }
}
