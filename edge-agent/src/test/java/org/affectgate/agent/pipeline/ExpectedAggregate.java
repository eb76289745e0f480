package org.affectgate.agent.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Textbook HRV and aggregate arithmetic, written from the definitions (MeanNN, RMSSD over
 * successive differences, HR = 60000 / MeanNN, percentiles by linear interpolation between closest
 * ranks) and deliberately independent of the agent's implementation.
 */
final class ExpectedAggregate {
  private ExpectedAggregate() {}

  static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  static double rmssd(List<Double> rr) {
    double sum = 0;
    for (int i = 1; i < rr.size(); i++) {
      double d = rr.get(i) - rr.get(i - 1);
      sum += d * d;
    }
    return Math.sqrt(sum / (rr.size() - 1));
  }

  static double percentile(List<Double> xs, double p) {
    double[] s = xs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(s);
    double rank = p * (s.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = (int) Math.ceil(rank);
    return s[lo] + (s[hi] - s[lo]) * (rank - lo);
  }

  /**
   * Expected fields of the window ending at {@code endMs} over the given wearables, counting only
   * those with at least {@code minBeats} beats in the window.
   */
  static Map<String, Double> fields(
      List<RecordedWearable> wearables, long endMs, long windowMs, int minBeats) {
    List<Double> hr = new ArrayList<>();
    List<Double> rmssd = new ArrayList<>();
    for (RecordedWearable w : wearables) {
      List<Double> rr = w.rrInWindow(endMs, windowMs);
      if (rr.size() < minBeats) {
        continue;
      }
      hr.add(60_000.0 / mean(rr));
      rmssd.add(rmssd(rr));
    }
    Map<String, Double> f = new TreeMap<>();
    f.put("subjects", (double) hr.size());
    if (hr.isEmpty()) {
      return f;
    }
    f.put("hr_mean", mean(hr));
    f.put("hr_p10", percentile(hr, 0.10));
    f.put("hr_p50", percentile(hr, 0.50));
    f.put("hr_p90", percentile(hr, 0.90));
    f.put("rmssd_mean", mean(rmssd));
    f.put("rmssd_p10", percentile(rmssd, 0.10));
    f.put("rmssd_p50", percentile(rmssd, 0.50));
    f.put("rmssd_p90", percentile(rmssd, 0.90));
    f.put("artifact_share", 0.0);
    return f;
  }
}
