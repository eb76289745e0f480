package org.affectgate.models.voice;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.affectgate.features.voice.EmotionClass;
import org.affectgate.models.calibration.Prediction;
import org.affectgate.models.eval.ClassificationReport;
import org.affectgate.models.eval.Spread;

/**
 * Leave-one-speaker-out evaluation: for each speaker, train on the others' segments and predict
 * each of the held-out speaker's utterances from the mean class probabilities of its segments (an
 * utterance in which the agent finds no speech counts as wrong). Reports the 7-class confusion
 * matrix and UAR, binary arousal accuracy (high: anger, fear, happiness; low: boredom, sadness,
 * neutral) with disgust placed on either side, and per-speaker figures.
 *
 * <p>{@link #nested} also chooses the recipe inside each fold, by an inner leave-one-speaker-out
 * over the training speakers only, so its figure is not tuned on the held-out speaker. Stateless;
 * deterministic when the fitters are.
 */
public final class VoiceEmotionEval {
  private VoiceEmotionEval() {}

  /** Fits a classifier to segment vectors; see {@link SoftmaxTrainer#fit}. */
  @FunctionalInterface
  public interface Fitter {
    VoiceClassifier fit(List<float[]> x, int[] y, int classes);
  }

  /**
   * Figures of one held-out speaker.
   *
   * @param recipe the candidate used for this speaker (the fixed one, or the inner choice)
   * @param innerUar inner leave-one-speaker-out UAR of that choice; NaN when not nested
   */
  public record SpeakerRow(
      String speaker,
      int utterances,
      double uar,
      double accuracy,
      String recipe,
      double innerUar) {}

  /**
   * @param report 7-class confusion over utterances with at least one segment
   * @param noSpeech utterances the agent found no speech in (counted wrong in UAR and accuracy)
   * @param uar unweighted average recall over all utterances
   * @param accuracy share of all utterances predicted right
   * @param arousalDisgustHigh binary arousal accuracy with disgust as high arousal
   * @param arousalDisgustLow binary arousal accuracy with disgust as low arousal
   * @param perSpeaker one row per held-out speaker, by id
   */
  public record Result(
      ClassificationReport report,
      int noSpeech,
      double uar,
      double accuracy,
      double arousalDisgustHigh,
      double arousalDisgustLow,
      int speakers,
      int utterances,
      List<SpeakerRow> perSpeaker) {

    public String summary() {
      return String.format(
              Locale.ROOT,
              "%d speakers, %d utterances (%d without speech found)%n7-class UAR %.3f, accuracy"
                  + " %.3f%nbinary arousal accuracy: %.3f with disgust high, %.3f with disgust"
                  + " low%n",
              speakers,
              utterances,
              noSpeech,
              uar,
              accuracy,
              arousalDisgustHigh,
              arousalDisgustLow)
          + report.toTable();
    }

    /** Markdown table of {@link #perSpeaker()}, then the spread of UAR and accuracy over them. */
    public String speakerTable() {
      StringBuilder b = new StringBuilder();
      b.append("| speaker | utterances | UAR | accuracy | recipe | inner UAR |\n");
      b.append("|---|---:|---:|---:|---|---:|\n");
      for (SpeakerRow r : perSpeaker) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %.3f | %.3f | %s | %s |%n",
                r.speaker(),
                r.utterances(),
                r.uar(),
                r.accuracy(),
                r.recipe(),
                Double.isNaN(r.innerUar())
                    ? "-"
                    : String.format(Locale.ROOT, "%.3f", r.innerUar())));
      }
      b.append("\nper-speaker UAR: ")
          .append(Spread.of(perSpeaker.stream().map(SpeakerRow::uar).toList()))
          .append("\nper-speaker accuracy: ")
          .append(Spread.of(perSpeaker.stream().map(SpeakerRow::accuracy).toList()))
          .append('\n');
      return b.toString();
    }
  }

  /**
   * Out-of-fold segment outputs: for each speaker, {@code fitter} trained on the other speakers'
   * segments predicts each of that speaker's segments (what the recipe does on a new speaker).
   *
   * @param data at least two speakers with speech
   */
  public static List<Prediction> outOfFoldSegments(List<EmoDb.Utterance> data, Fitter fitter) {
    int k = EmotionClass.values().length;
    List<Prediction> out = new ArrayList<>();
    for (String held : speakersWithSpeech(data)) {
      List<float[]> x = new ArrayList<>();
      List<Integer> y = new ArrayList<>();
      for (EmoDb.Utterance u : data) {
        if (!u.speaker().equals(held)) {
          for (float[] v : u.segments()) {
            x.add(v);
            y.add(u.label().ordinal());
          }
        }
      }
      VoiceClassifier m = fitter.fit(x, y.stream().mapToInt(Integer::intValue).toArray(), k);
      for (EmoDb.Utterance u : data) {
        if (u.speaker().equals(held)) {
          for (float[] v : u.segments()) {
            double[] p = m.predict(v);
            float[] f = new float[p.length];
            for (int c = 0; c < p.length; c++) {
              f[c] = (float) p[c];
            }
            out.add(new Prediction(held, u.label().ordinal(), f));
          }
        }
      }
    }
    return out;
  }

  /** Speakers with at least one segment the agent analysed, sorted. */
  public static List<String> speakersWithSpeech(List<EmoDb.Utterance> data) {
    Set<String> out = new TreeSet<>();
    for (EmoDb.Utterance u : data) {
      if (!u.segments().isEmpty()) {
        out.add(u.speaker());
      }
    }
    return List.copyOf(out);
  }

  static final Set<EmotionClass> HIGH =
      Set.of(EmotionClass.ANGER, EmotionClass.FEAR, EmotionClass.HAPPINESS);

  /** Leave-one-speaker-out with one fixed recipe. */
  public static Result run(List<EmoDb.Utterance> data, String name, Fitter fitter) {
    return evaluate(data, held -> new Choice(name, fitter, Double.NaN));
  }

  /**
   * Nested leave-one-speaker-out: for each held-out speaker, {@link #select} picks a candidate on
   * the other speakers alone, which is then trained on all of them and scores the held-out one.
   *
   * @param candidates recipes by name, in tie-break order
   */
  public static Result nested(List<EmoDb.Utterance> data, Map<String, Fitter> candidates) {
    return evaluate(
        data,
        held -> {
          List<EmoDb.Utterance> train = new ArrayList<>();
          for (EmoDb.Utterance u : data) {
            if (!u.speaker().equals(held)) {
              train.add(u);
            }
          }
          return select(train, candidates);
        });
  }

  /**
   * The candidate with the highest leave-one-speaker-out UAR on {@code data} (the first on ties).
   *
   * @param candidates recipes by name, in tie-break order; not empty
   */
  public static Choice select(List<EmoDb.Utterance> data, Map<String, Fitter> candidates) {
    Choice best = null;
    for (Map.Entry<String, Fitter> c : candidates.entrySet()) {
      double uar = run(data, c.getKey(), c.getValue()).uar();
      if (best == null || uar > best.uar()) {
        best = new Choice(c.getKey(), c.getValue(), uar);
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no candidates");
    }
    return best;
  }

  /**
   * A chosen recipe.
   *
   * @param uar its leave-one-speaker-out UAR on the data it was chosen on
   */
  public record Choice(String name, Fitter fitter, double uar) {}

  private interface Chooser {
    Choice choose(String heldOutSpeaker);
  }

  private static Result evaluate(List<EmoDb.Utterance> data, Chooser chooser) {
    List<String> labels = new ArrayList<>();
    for (EmotionClass c : EmotionClass.values()) {
      labels.add(c.label());
    }
    int k = labels.size();
    ClassificationReport report = new ClassificationReport(labels);
    Set<String> speakers = new TreeSet<>();
    data.forEach(u -> speakers.add(u.speaker()));
    int[] perClassTotal = new int[k];
    int[] perClassCorrect = new int[k];
    int noSpeech = 0;
    int correct = 0;
    int arousalHighOk = 0;
    int arousalLowOk = 0;
    List<SpeakerRow> rows = new ArrayList<>();
    for (String held : speakers) {
      Choice choice = chooser.choose(held);
      List<float[]> x = new ArrayList<>();
      List<Integer> y = new ArrayList<>();
      for (EmoDb.Utterance u : data) {
        if (!u.speaker().equals(held)) {
          for (float[] v : u.segments()) {
            x.add(v);
            y.add(u.label().ordinal());
          }
        }
      }
      VoiceClassifier m =
          choice.fitter().fit(x, y.stream().mapToInt(Integer::intValue).toArray(), k);
      int[] total = new int[k];
      int[] right = new int[k];
      for (EmoDb.Utterance u : data) {
        if (!u.speaker().equals(held)) {
          continue;
        }
        int truth = u.label().ordinal();
        perClassTotal[truth]++;
        total[truth]++;
        if (u.segments().isEmpty()) {
          noSpeech++;
          continue;
        }
        double[] p = mean(m, u.segments());
        int best = argmax(p);
        report.add(truth, best);
        if (best == truth) {
          perClassCorrect[truth]++;
          right[truth]++;
          correct++;
        }
        arousalHighOk += arousalRight(u.label(), p, true) ? 1 : 0;
        arousalLowOk += arousalRight(u.label(), p, false) ? 1 : 0;
      }
      rows.add(
          new SpeakerRow(
              held,
              sum(total),
              uar(right, total),
              (double) sum(right) / sum(total),
              choice.name(),
              choice.uar()));
    }
    return new Result(
        report,
        noSpeech,
        uar(perClassCorrect, perClassTotal),
        (double) correct / data.size(),
        (double) arousalHighOk / data.size(),
        (double) arousalLowOk / data.size(),
        speakers.size(),
        data.size(),
        List.copyOf(rows));
  }

  /** Mean recall over the classes that have examples. */
  static double uar(int[] right, int[] total) {
    double s = 0;
    int classes = 0;
    for (int c = 0; c < total.length; c++) {
      if (total[c] > 0) {
        s += (double) right[c] / total[c];
        classes++;
      }
    }
    return s / classes;
  }

  private static int sum(int[] a) {
    int s = 0;
    for (int v : a) {
      s += v;
    }
    return s;
  }

  static int argmax(double[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }

  static boolean arousalRight(EmotionClass truth, double[] p, boolean disgustHigh) {
    double high = 0;
    for (EmotionClass c : EmotionClass.values()) {
      if (HIGH.contains(c) || (disgustHigh && c == EmotionClass.DISGUST)) {
        high += p[c.ordinal()];
      }
    }
    boolean truthHigh = HIGH.contains(truth) || (disgustHigh && truth == EmotionClass.DISGUST);
    return (high >= 0.5) == truthHigh;
  }

  static double[] mean(VoiceClassifier m, List<float[]> segments) {
    double[] sum = new double[m.classes()];
    for (float[] v : segments) {
      double[] p = m.predict(v);
      for (int c = 0; c < sum.length; c++) {
        sum[c] += p[c] / segments.size();
      }
    }
    return sum;
  }

  /**
   * Side figure only, never shippable: each speaker's segment vectors z-scored with that speaker's
   * own mean and SD over all of their utterances. A kiosk never has this (each visitor is new and
   * brief); it shows how much of the error is between-speaker variation.
   */
  public static List<EmoDb.Utterance> speakerNormalised(List<EmoDb.Utterance> data) {
    Map<String, double[][]> stats = new LinkedHashMap<>();
    for (EmoDb.Utterance u : data) {
      for (float[] v : u.segments()) {
        double[][] s = stats.computeIfAbsent(u.speaker(), k -> new double[3][v.length]);
        for (int j = 0; j < v.length; j++) {
          s[0][j]++;
          s[1][j] += v[j];
          s[2][j] += (double) v[j] * v[j];
        }
      }
    }
    List<EmoDb.Utterance> out = new ArrayList<>();
    for (EmoDb.Utterance u : data) {
      double[][] s = stats.get(u.speaker());
      List<float[]> segs = new ArrayList<>();
      for (float[] v : u.segments()) {
        float[] z = new float[v.length];
        for (int j = 0; j < v.length; j++) {
          double mean = s[1][j] / s[0][j];
          double sd = Math.sqrt(Math.max(0, s[2][j] / s[0][j] - mean * mean));
          z[j] = (float) (sd > 1e-9 ? (v[j] - mean) / sd : 0);
        }
        segs.add(z);
      }
      out.add(new EmoDb.Utterance(u.file(), u.speaker(), u.label(), segs));
    }
    return out;
  }
}
