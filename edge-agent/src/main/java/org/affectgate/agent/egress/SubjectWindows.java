package org.affectgate.agent.egress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.affectgate.features.hrv.HrvFeatures;
import org.affectgate.features.hrv.HrvWindow;
import org.affectgate.sync.Metric;

/**
 * Builds the per-subject points of one closed HRV window: one {@link
 * EgressSchema#HRV_SUBJECT_WINDOW} point per subject the predicate accepts, tags {@code site},
 * {@code programme}, {@code subject} (the consent pseudonym the HRV engine keys its state by; never
 * a device id), fields {@code hr_mean} (bpm), {@code rmssd_ms}, {@code sdnn_ms}, {@code mean_nn_ms}
 * (ms), {@code pnn50_pct} (0..100), {@code clean_beats} and {@code artifact_ratio} (0..1),
 * timestamp the window end. Pure and deterministic (a recomputed window yields the same point key,
 * so the outbox does not send it twice); any thread.
 */
public final class SubjectWindows {
  private SubjectWindows() {}

  /**
   * @param optedIn whether a subject pseudonym may be synced now (e.g. {@code
   *     ConsentGate::syncOptedIn})
   */
  public static List<Metric> points(HrvWindow window, Predicate<String> optedIn) {
    List<Metric> out = new ArrayList<>();
    for (HrvFeatures f : window.features()) {
      if (!optedIn.test(f.subjectId())) {
        continue;
      }
      Map<String, Double> fields = new TreeMap<>();
      fields.put("hr_mean", f.meanHrBpm());
      fields.put("rmssd_ms", f.rmssdMs());
      fields.put("sdnn_ms", f.sdnnMs());
      fields.put("pnn50_pct", f.pnn50Pct());
      fields.put("mean_nn_ms", f.meanNnMs());
      fields.put("clean_beats", (double) f.cleanBeats());
      fields.put("artifact_ratio", f.artifactRatio());
      fields.values().removeIf(v -> !Double.isFinite(v));
      out.add(
          new Metric(
              EgressSchema.HRV_SUBJECT_WINDOW.measurement(),
              new TreeMap<>(
                  Map.of("site", f.site(), "programme", f.programme(), "subject", f.subjectId())),
              new TreeMap<>(fields),
              window.windowEndMs()));
    }
    return out;
  }
}
