package org.affectgate.models.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.hrv.HrvEvents;
import org.affectgate.features.hrv.HrvFeatures;
import org.affectgate.features.hrv.HrvWindowEngine;
import org.affectgate.models.hrv.HrvTimeFeatures;
import org.affectgate.models.stress.StressPredictData.Beat;
import org.affectgate.models.stress.StressPredictData.Recording;

/**
 * Runs the agent's own HRV stage ({@link HrvWindowEngine}: artifact filter, windows, time-domain
 * features) over a recording, replayed as a live gateway sees it: one sample per beat stamped with
 * the beat's end, windows closed as the data's clock advances. Each emitted window is labelled from
 * the per-second task labels. Stateless.
 */
public final class HrvWindows {
  /** Share of a window's seconds that must carry a label for the window to be used. */
  public static final double MIN_LABEL_COVERAGE = 0.9;

  /**
   * One labelled feature window.
   *
   * @param participant participant id, e.g. {@code S02}
   * @param windowEndMs window end, epoch ms
   * @param features the {@link HrvTimeFeatures} vector
   * @param label 1 stress task, 0 baseline/relaxation
   */
  public record Window(String participant, long windowEndMs, float[] features, int label) {}

  private HrvWindows() {}

  /** The agent's features of every window of {@code r}, in time order. */
  public static List<HrvFeatures> features(Recording r, RrSource source, HrvConfig config) {
    HrvWindowEngine engine = new HrvWindowEngine(config, HrvEvents.NONE);
    List<HrvFeatures> out = new ArrayList<>();
    long seq = 0;
    long last = Long.MIN_VALUE;
    for (Beat b : source.beats(r)) {
      int bpm = (int) Math.max(1, Math.min(299, Math.round(60000 / b.rrMs())));
      HrSample s =
          new HrSample(
              "lab",
              r.participant(),
              seq++,
              b.endMs(),
              bpm,
              List.of(b.rrMs()),
              Contact.DETECTED,
              null);
      engine.onSample(r.participant(), "lab", "stress-predict", s);
      engine.closeWindowsUpTo(b.endMs()).forEach(w -> out.addAll(w.features()));
      last = Math.max(last, b.endMs());
    }
    if (last != Long.MIN_VALUE) {
      engine
          .closeWindowsUpTo(last + config.windowMs() + config.latenessMs() + config.stepMs())
          .forEach(w -> out.addAll(w.features()));
    }
    return out;
  }

  /**
   * Labelled model inputs of {@code r}, in time order: every window of the agent's HRV stage goes
   * through {@code inputs} (which may hold some back, e.g. while calibrating a personal baseline);
   * windows straddling a task boundary or without labels are then left out.
   */
  public static List<Window> labelled(
      Recording r, RrSource source, HrvConfig config, FeatureSet inputs) {
    List<Window> out = new ArrayList<>();
    FeatureSet.Stream stream = inputs.newStream();
    for (HrvFeatures f : features(r, source, config)) {
      Optional<float[]> x = stream.offer(f.windowEndMs(), vector(f));
      if (x.isEmpty()) {
        continue;
      }
      int label =
          r.labels()
              .windowLabel(
                  f.windowEndMs() - config.windowMs(), f.windowEndMs(), MIN_LABEL_COVERAGE);
      if (label >= 0) {
        out.add(new Window(r.participant(), f.windowEndMs(), x.get(), label));
      }
    }
    return out;
  }

  /** The {@link HrvTimeFeatures} vector of one window of the agent's HRV stage. */
  public static float[] vector(HrvFeatures f) {
    return HrvTimeFeatures.vector(f.meanHrBpm(), f.rmssdMs(), f.sdnnMs(), f.pnn50Pct());
  }
}
