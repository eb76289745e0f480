package org.affectgate.features.hrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.junit.jupiter.api.Test;

/**
 * Real RR data: the Stress-Predict S02 excerpt (Empatica E4, see fixtures/README.md), replayed one
 * beat per sample with the clock following the data, as a live gateway would see it.
 */
class HrvFixtureTest {
  private static final long WINDOW = 60_000;
  private static final long STEP = 10_000;

  record Row(long endMs, double rrMs) {}

  static List<Row> load() throws IOException {
    try (InputStream in =
        HrvFixtureTest.class.getResourceAsStream("/fixtures/stress-predict-S02-IBI-excerpt.csv")) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n");
      double start = Double.parseDouble(lines[0].split(",")[0]);
      List<Row> rows = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        String[] parts = lines[i].trim().split(",");
        long end = Math.round((start + Double.parseDouble(parts[0])) * 1000);
        rows.add(new Row(end, Double.parseDouble(parts[1]) * 1000));
      }
      return rows;
    }
  }

  private static Map<Long, HrvFeatures> runEngine(List<Row> rows) {
    HrvWindowEngine engine = new HrvWindowEngine(HrvConfig.defaults(), HrvEvents.NONE);
    Map<Long, HrvFeatures> byEnd = new TreeMap<>();
    long seq = 0;
    for (Row row : rows) {
      HrSample s =
          new HrSample(
              "lab", "e4", seq++, row.endMs(), 70, List.of(row.rrMs()), Contact.DETECTED, null);
      assertThat(engine.onSample("S02", "lab", "stress", s)).isTrue();
      engine
          .closeWindowsUpTo(row.endMs())
          .forEach(w -> w.features().forEach(f -> byEnd.put(f.windowEndMs(), f)));
    }
    long last = rows.get(rows.size() - 1).endMs();
    engine
        .closeWindowsUpTo(last + WINDOW + STEP + 5_000)
        .forEach(w -> w.features().forEach(f -> byEnd.put(f.windowEndMs(), f)));
    return byEnd;
  }

  /**
   * A plain re-statement of the rules, one window at a time, without the engine's data structures.
   */
  private static Map<Long, double[]> reference(List<Row> rows) {
    boolean[] accepted = new boolean[rows.size()];
    List<Double> history = new ArrayList<>();
    int streak = 0;
    for (int i = 0; i < rows.size(); i++) {
      double rr = rows.get(i).rrMs();
      boolean ok = rr >= 300 && rr <= 2000;
      if (ok && !history.isEmpty()) {
        List<Double> last =
            new ArrayList<>(history.subList(Math.max(0, history.size() - 5), history.size()));
        last.sort(null);
        int n = last.size();
        double median = n % 2 == 1 ? last.get(n / 2) : (last.get(n / 2 - 1) + last.get(n / 2)) / 2;
        if (Math.abs(rr - median) > 0.2 * median) {
          ok = false;
          if (++streak >= 5) {
            history.clear();
            streak = 0;
          }
        }
      }
      if (ok) {
        history.add(rr);
        streak = 0;
      }
      accepted[i] = ok;
    }
    Map<Long, double[]> out = new TreeMap<>();
    long first = Math.floorDiv(rows.get(0).endMs(), STEP) * STEP + STEP;
    long lastEnd = rows.get(rows.size() - 1).endMs();
    for (long e = first; e - WINDOW <= lastEnd; e += STEP) {
      int total = 0;
      int clean = 0;
      double sum = 0;
      List<Double> cleanRr = new ArrayList<>();
      List<Double> diffs = new ArrayList<>();
      int prev = -1;
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        if (r.endMs() < e - WINDOW || r.endMs() >= e) {
          continue;
        }
        total++;
        if (accepted[i]) {
          clean++;
          sum += r.rrMs();
          cleanRr.add(r.rrMs());
          if (prev >= 0
              && accepted[prev]
              && r.endMs() - Math.round(r.rrMs()) - rows.get(prev).endMs() <= 2000) {
            diffs.add(r.rrMs() - rows.get(prev).rrMs());
          }
        }
        prev = i;
      }
      if (clean < 20 || diffs.isEmpty()) {
        continue;
      }
      double mean = sum / clean;
      double ss = 0;
      for (double rr : cleanRr) {
        ss += (rr - mean) * (rr - mean);
      }
      double sq = 0;
      int over = 0;
      for (double d : diffs) {
        sq += d * d;
        over += Math.abs(d) > 50 ? 1 : 0;
      }
      out.put(
          e,
          new double[] {
            clean,
            60000 / mean,
            Math.sqrt(sq / diffs.size()),
            Math.sqrt(ss / (clean - 1)),
            100.0 * over / diffs.size(),
            mean,
            (double) (total - clean) / total
          });
    }
    return out;
  }

  @Test
  void stressPredictExcerpt_engineMatchesPlainComputationInEveryWindow() throws IOException {
    List<Row> rows = load();
    assertThat(rows).hasSize(299);
    Map<Long, HrvFeatures> engine = runEngine(rows);
    Map<Long, double[]> ref = reference(rows);
    assertThat(ref).hasSizeGreaterThan(10);
    assertThat(engine.keySet()).isEqualTo(ref.keySet());
    for (Map.Entry<Long, double[]> e : ref.entrySet()) {
      HrvFeatures f = engine.get(e.getKey());
      double[] r = e.getValue();
      assertThat(f.cleanBeats()).isEqualTo((int) r[0]);
      assertThat(f.meanHrBpm()).isCloseTo(r[1], within(1e-9));
      assertThat(f.rmssdMs()).isCloseTo(r[2], within(1e-9));
      assertThat(f.sdnnMs()).isCloseTo(r[3], within(1e-9));
      assertThat(f.pnn50Pct()).isCloseTo(r[4], within(1e-9));
      assertThat(f.meanNnMs()).isCloseTo(r[5], within(1e-9));
      assertThat(f.artifactRatio()).isCloseTo(r[6], within(1e-12));
    }
  }

  @Test
  void stressPredictExcerpt_oneWindowMatchesNumpyOneOff() throws IOException {
    // Values printed by a throw-away numpy script (python3 + numpy 2.4.6) that re-states the rules
    // from the spec: filter 300..2000 ms and 20 % of median(last 5 accepted) with resync after 5,
    // Java-style rounding of beat times, window [e - 60 s, e), np.std(ddof=1) for SDNN,
    // sqrt(mean(diff**2)) over adjacent clean pairs (gap <= 2000 ms) for RMSSD. Window e =
    // 1644228340000 (session start 1644227574 s + 766 s); 1 of 34 beats there is rejected.
    HrvFeatures f = runEngine(load()).get(1644228340000L);
    assertThat(f.cleanBeats()).isEqualTo(33);
    assertThat(f.meanHrBpm()).isCloseTo(73.33333333333334, within(1e-9));
    assertThat(f.rmssdMs()).isCloseTo(68.9065615463283, within(1e-9));
    assertThat(f.sdnnMs()).isCloseTo(45.691134547944955, within(1e-9));
    assertThat(f.pnn50Pct()).isCloseTo(48.275862068965516, within(1e-9));
    assertThat(f.meanNnMs()).isCloseTo(818.1818181818181, within(1e-9));
    assertThat(f.artifactRatio()).isCloseTo(0.029411764705882353, within(1e-12));
  }
}
