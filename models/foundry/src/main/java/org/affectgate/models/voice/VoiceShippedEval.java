package org.affectgate.models.voice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.features.voice.VoiceModelException;
import org.affectgate.models.Calibration;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.eval.ClassificationReport;
import org.affectgate.models.eval.Reliability;
import org.affectgate.models.eval.Spread;

/**
 * The shipped {@code voice-emotion} model on a labelled folder, without retraining, through the
 * agent's own path: {@link EmoDb} runs the agent's resampler, frame analyser, segmenter and {@code
 * voice-v2} feature code on each WAV, and {@link OnnxVoiceEmotionModel} (the agent's wrapper: the
 * manifest's model, verified, in ONNX Runtime, with its calibration applied) estimates each
 * segment. An utterance is predicted from the mean of its segments' probabilities, as in the
 * cross-validated evaluation; one without speech counts as missed (wrong). Calibration is measured
 * on the segment estimates, which are what the agent emits. Stateless.
 */
public final class VoiceShippedEval {
  private VoiceShippedEval() {}

  /**
   * One speaker.
   *
   * @param segmentConfidence mean emitted confidence of their segments (NaN without any)
   * @param segmentAccuracy share of their segments whose top class is right
   */
  public record SpeakerRow(
      String speaker,
      int utterances,
      double uar,
      double accuracy,
      double segmentConfidence,
      double segmentAccuracy) {}

  /**
   * @param report utterance-level confusion (missed = no speech found)
   * @param emitted reliability of the segment confidences the agent emits (calibrated)
   * @param raw the same before calibration (the ONNX output, T = 1)
   * @param calibration the manifest's calibration, or null
   */
  public record Result(
      ClassificationReport report,
      int speakers,
      int segments,
      double arousalDisgustHigh,
      double arousalDisgustLow,
      List<SpeakerRow> perSpeaker,
      Reliability emitted,
      Reliability raw,
      Calibration calibration) {

    public String toText(String title) {
      StringBuilder b = new StringBuilder();
      b.append(title).append('\n');
      b.append(
          String.format(
              Locale.ROOT,
              "%d speakers, %d utterances, %d segments (%d utterances without speech found)%n"
                  + "7-class UAR %.3f, accuracy %.3f, macro-F1 %.3f%n"
                  + "binary arousal accuracy: %.3f with disgust high, %.3f with disgust low%n",
              speakers,
              report.total(),
              segments,
              missed(),
              report.unweightedAverageRecall(),
              report.accuracy(),
              report.macroF1(),
              arousalDisgustHigh,
              arousalDisgustLow));
      b.append(report.toTable()).append('\n');
      b.append(
          "| speaker | utterances | UAR | accuracy | segment confidence | segment accuracy |\n");
      b.append("|---|---:|---:|---:|---:|---:|\n");
      List<Double> uars = new ArrayList<>();
      for (SpeakerRow r : perSpeaker) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %.3f | %.3f | %.3f | %.3f |%n",
                r.speaker(),
                r.utterances(),
                r.uar(),
                r.accuracy(),
                r.segmentConfidence(),
                r.segmentAccuracy()));
        uars.add(r.uar());
      }
      b.append("per-speaker UAR: ").append(Spread.of(uars)).append("\n\n");
      b.append(Reliability.emittedVsRaw(emitted, raw, calibration));
      return b.toString();
    }

    private long missed() {
      long n = 0;
      for (int c = 0; c < report.labels().size(); c++) {
        n += report.missed(c);
      }
      return n;
    }
  }

  /**
   * @param data utterances analysed by {@link EmoDb#load}
   * @throws ModelLoadException if the manifest refuses the model
   * @throws VoiceModelException if an inference fails (a model bug)
   */
  public static Result run(ModelRegistry registry, List<EmoDb.Utterance> data)
      throws ModelLoadException, VoiceModelException {
    Calibration calibration =
        registry.manifest().find(VoiceEmotion.NAME).map(e -> e.calibration()).orElse(null);
    List<String> labels = VoiceEmotion.labels();
    int k = labels.size();
    ClassificationReport report = new ClassificationReport(labels);
    List<float[]> emitted = new ArrayList<>();
    List<float[]> raw = new ArrayList<>();
    List<Integer> truth = new ArrayList<>();
    Map<String, int[][]> bySpeaker = new TreeMap<>(); // [0]=total per class, [1]=right per class
    Map<String, double[]> segBySpeaker = new TreeMap<>(); // count, confidence sum, right
    int arousalHigh = 0;
    int arousalLow = 0;
    try (OnnxVoiceEmotionModel model = OnnxVoiceEmotionModel.load(registry)) {
      for (EmoDb.Utterance u : data) {
        int y = u.label().ordinal();
        int[][] s = bySpeaker.computeIfAbsent(u.speaker(), x -> new int[2][k]);
        double[] seg = segBySpeaker.computeIfAbsent(u.speaker(), x -> new double[3]);
        s[0][y]++;
        if (u.segments().isEmpty()) {
          report.addMissed(y);
          continue;
        }
        double[] mean = new double[k];
        for (float[] v : u.segments()) {
          float[] p = model.estimate(v).probabilities();
          emitted.add(p);
          raw.add(
              calibration == null
                  ? p
                  : Calibration.apply(p.clone(), 1 / calibration.temperature()));
          truth.add(y);
          int top = argmax(p);
          seg[0]++;
          seg[1] += p[top];
          seg[2] += top == y ? 1 : 0;
          for (int c = 0; c < k; c++) {
            mean[c] += p[c] / u.segments().size();
          }
        }
        int best = VoiceEmotionEval.argmax(mean);
        report.add(y, best);
        s[1][y] += best == y ? 1 : 0;
        arousalHigh += VoiceEmotionEval.arousalRight(u.label(), mean, true) ? 1 : 0;
        arousalLow += VoiceEmotionEval.arousalRight(u.label(), mean, false) ? 1 : 0;
      }
    }
    List<SpeakerRow> rows = new ArrayList<>();
    for (Map.Entry<String, int[][]> e : bySpeaker.entrySet()) {
      int[][] s = e.getValue();
      double[] seg = segBySpeaker.get(e.getKey());
      rows.add(
          new SpeakerRow(
              e.getKey(),
              sum(s[0]),
              VoiceEmotionEval.uar(s[1], s[0]),
              (double) sum(s[1]) / sum(s[0]),
              seg[0] == 0 ? Double.NaN : seg[1] / seg[0],
              seg[0] == 0 ? Double.NaN : seg[2] / seg[0]));
    }
    int[] y = truth.stream().mapToInt(Integer::intValue).toArray();
    return new Result(
        report,
        bySpeaker.size(),
        emitted.size(),
        (double) arousalHigh / data.size(),
        (double) arousalLow / data.size(),
        List.copyOf(rows),
        Reliability.ofTopClass(emitted, y),
        Reliability.ofTopClass(raw, y),
        calibration);
  }

  private static int sum(int[] a) {
    int s = 0;
    for (int v : a) {
      s += v;
    }
    return s;
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }
}
