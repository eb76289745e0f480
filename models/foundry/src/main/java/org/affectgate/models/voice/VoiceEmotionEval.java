package org.affectgate.models.voice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.affectgate.agent.voice.EmotionClass;
import org.affectgate.models.eval.ClassificationReport;

/**
 * Leave-one-speaker-out evaluation: for each speaker, train on the others' segments and predict
 * each of the held-out speaker's utterances from the mean class probabilities of its segments (an
 * utterance in which the agent finds no speech counts as wrong: predicted "none", which is never
 * right). Reports the 7-class confusion matrix and UAR, and binary arousal accuracy (high: anger,
 * fear, happiness; low: boredom, sadness, neutral) with disgust placed on either side.
 */
public final class VoiceEmotionEval {
  private VoiceEmotionEval() {}

  /**
   * @param report 7-class confusion over utterances with at least one segment
   * @param noSpeech utterances the agent found no speech in (counted wrong in UAR and accuracy)
   * @param uar unweighted average recall over all utterances
   * @param arousalDisgustHigh binary arousal accuracy with disgust as high arousal
   * @param arousalDisgustLow binary arousal accuracy with disgust as low arousal
   */
  public record Result(
      ClassificationReport report,
      int noSpeech,
      double uar,
      double arousalDisgustHigh,
      double arousalDisgustLow,
      int speakers,
      int utterances) {

    public String summary() {
      return String.format(
              Locale.ROOT,
              "voice-emotion leave-one-speaker-out over %d speakers, %d utterances (%d without"
                  + " speech found)%n7-class UAR %.3f, accuracy %.3f%nbinary arousal accuracy:"
                  + " %.3f with disgust high, %.3f with disgust low%n",
              speakers,
              utterances,
              noSpeech,
              uar,
              (double) correct(report) / utterances,
              arousalDisgustHigh,
              arousalDisgustLow)
          + report.toTable();
    }

    private static long correct(ClassificationReport r) {
      long c = 0;
      for (int i = 0; i < r.labels().size(); i++) {
        c += r.count(i, i);
      }
      return c;
    }
  }

  static final Set<EmotionClass> HIGH =
      Set.of(EmotionClass.ANGER, EmotionClass.FEAR, EmotionClass.HAPPINESS);

  public static Result run(List<EmoDb.Utterance> data, SoftmaxTrainer trainer) {
    List<String> labels = new ArrayList<>();
    for (EmotionClass c : EmotionClass.values()) {
      labels.add(c.label());
    }
    ClassificationReport report = new ClassificationReport(labels);
    Set<String> speakers = new TreeSet<>();
    data.forEach(u -> speakers.add(u.speaker()));
    int[] perClassTotal = new int[labels.size()];
    int[] perClassCorrect = new int[labels.size()];
    int noSpeech = 0;
    int arousalHighOk = 0;
    int arousalLowOk = 0;
    for (String held : speakers) {
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
      SoftmaxModel m =
          trainer.fit(x, y.stream().mapToInt(Integer::intValue).toArray(), labels.size());
      for (EmoDb.Utterance u : data) {
        if (!u.speaker().equals(held)) {
          continue;
        }
        int truth = u.label().ordinal();
        perClassTotal[truth]++;
        if (u.segments().isEmpty()) {
          noSpeech++;
          continue;
        }
        double[] p = mean(m, u.segments());
        int best = 0;
        for (int c = 1; c < p.length; c++) {
          if (p[c] > p[best]) {
            best = c;
          }
        }
        report.add(truth, best);
        if (best == truth) {
          perClassCorrect[truth]++;
        }
        arousalHighOk += arousalRight(u.label(), p, true) ? 1 : 0;
        arousalLowOk += arousalRight(u.label(), p, false) ? 1 : 0;
      }
    }
    double uar = 0;
    for (int c = 0; c < labels.size(); c++) {
      uar += (double) perClassCorrect[c] / perClassTotal[c];
    }
    uar /= labels.size();
    return new Result(
        report,
        noSpeech,
        uar,
        (double) arousalHighOk / data.size(),
        (double) arousalLowOk / data.size(),
        speakers.size(),
        data.size());
  }

  private static boolean arousalRight(EmotionClass truth, double[] p, boolean disgustHigh) {
    double high = 0;
    for (EmotionClass c : EmotionClass.values()) {
      if (HIGH.contains(c) || (disgustHigh && c == EmotionClass.DISGUST)) {
        high += p[c.ordinal()];
      }
    }
    boolean truthHigh = HIGH.contains(truth) || (disgustHigh && truth == EmotionClass.DISGUST);
    return (high >= 0.5) == truthHigh;
  }

  static double[] mean(SoftmaxModel m, List<float[]> segments) {
    double[] sum = new double[m.classes()];
    for (float[] v : segments) {
      double[] p = m.predict(v);
      for (int c = 0; c < sum.length; c++) {
        sum[c] += p[c] / segments.size();
      }
    }
    return sum;
  }
}
