package org.affectgate.agent.stress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;

/** Empatica {@code IBI.csv} beats read the way the foundry reads them, and replay helpers. */
final class IbiBeats {
  /** One beat: epoch ms of its end, RR in ms. */
  record Beat(long endMs, double rrMs) {}

  private IbiBeats() {}

  /**
   * Beats of a classpath {@code IBI.csv}: end = round((start + t) * 1000) ms, RR = ibi * 1000, as
   * {@code org.affectgate.models.stress.StressPredictData.readIbi} computes them for training.
   */
  static List<Beat> read(String resource) throws IOException {
    try (InputStream in = IbiBeats.class.getResourceAsStream(resource)) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n");
      double start = Double.parseDouble(lines[0].split(",")[0].trim());
      List<Beat> beats = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].isBlank()) {
          continue;
        }
        String[] p = lines[i].split(",");
        long end = Math.round((start + Double.parseDouble(p[0].trim())) * 1000);
        beats.add(new Beat(end, Double.parseDouble(p[1].trim()) * 1000));
      }
      return beats;
    }
  }

  /** One sample per beat, stamped with the beat's end, as the foundry replays a recording. */
  static HrSample sample(String device, long seq, Beat b) {
    int bpm = (int) Math.max(1, Math.min(299, Math.round(60000 / b.rrMs())));
    return new HrSample(
        "lab", device, seq, b.endMs(), bpm, List.of(b.rrMs()), Contact.DETECTED, null);
  }

  /**
   * A synthetic session: {@code restSeconds} of RR around {@code restRrMs}, then {@code
   * stressSeconds} around {@code stressRrMs}, with a deterministic beat-to-beat wobble of ±{@code
   * wobbleMs}.
   */
  static List<Beat> synthetic(
      long startMs,
      int restSeconds,
      double restRrMs,
      int stressSeconds,
      double stressRrMs,
      double wobbleMs) {
    List<Beat> out = new ArrayList<>();
    double t = startMs;
    int i = 0;
    while (t < startMs + (restSeconds + stressSeconds) * 1000.0) {
      double base = t < startMs + restSeconds * 1000.0 ? restRrMs : stressRrMs;
      double rr = base + wobbleMs * Math.sin(i * 0.9) + 0.5 * wobbleMs * Math.sin(i * 0.23);
      t += rr;
      out.add(new Beat(Math.round(t), rr));
      i++;
    }
    return out;
  }
}
