package org.affectgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.agent.aggregate.SuppressedGroup;
import org.affectgate.agent.stress.StressReport;
import org.affectgate.sync.Metric;
import org.junit.jupiter.api.Test;

class WindowLinePrinterStressTest {
  @Test
  void stressWindow_oneLinePerGroupWithShareAndSuppression() {
    StringWriter text = new StringWriter();
    WindowLinePrinter printer = new WindowLinePrinter(new PrintWriter(text), 5);
    Metric m =
        new Metric(
            "hrv_stress_window",
            new TreeMap<>(Map.of("site", "demo", "programme", "wellness-a")),
            new TreeMap<>(
                Map.of(
                    "subjects",
                    6.0,
                    "stressed",
                    2.0,
                    "stress_share",
                    1 / 3.0,
                    "p_stress_mean",
                    0.412)),
            1_767_600_000_000L);

    printer.onStressWindow(
        new StressReport(
            1_767_600_000_000L, List.of(m), List.of(new SuppressedGroup("demo", "wellness-b", 2))));

    assertThat(text.toString().split("\n"))
        .containsExactly(
            "2026-01-05T08:00:00Z stress window site=demo programme=wellness-a subjects=6"
                + " stressed=2 (33%) p_stress_mean=0.41 -> outbox",
            "2026-01-05T08:00:00Z stress window site=demo programme=wellness-b subjects=2"
                + " suppressed (k=5)");
  }
}
