package org.affectgate.agent.respond;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A stand-in {@link VisitorFusion} until the features module's {@code SessionFusion} is merged:
 * each modality's latest distribution is mapped to valence/arousal by a fixed table (per label,
 * coarse circumplex positions), weighted by its top-class probability and by recency (half-life
 * {@value #HALF_LIFE_MS} ms, evidence older than {@value #MAX_AGE_MS} ms ignored); one modality
 * alone counts at 0.8 of its confidence. The trend is the change over the last {@value #TREND_MS}
 * ms of fused values. It raises no early-warning signal (that is the {@code EpisodeDetector}'s
 * job). Uncalibrated: the probabilities are the models' own. Not thread-safe.
 */
final class InterimFusion implements VisitorFusion {
  static final long HALF_LIFE_MS = 3_000;
  static final long MAX_AGE_MS = 10_000;
  static final long TREND_MS = 5_000;
  private static final double SINGLE_MODALITY = 0.8;

  /** label → {valence, arousal}; face and voice label spellings both. */
  private static final Map<String, double[]> CIRCUMPLEX =
      Map.ofEntries(
          Map.entry("anger", new double[] {-0.6, 0.8}),
          Map.entry("disgust", new double[] {-0.6, 0.6}),
          Map.entry("fear", new double[] {-0.6, 0.8}),
          Map.entry("happiness", new double[] {0.8, 0.6}),
          Map.entry("sadness", new double[] {-0.6, 0.2}),
          Map.entry("surprise", new double[] {0.2, 0.8}),
          Map.entry("neutral", new double[] {0.0, 0.3}),
          Map.entry("boredom", new double[] {-0.3, 0.1}));

  private static final Map<String, String> CANONICAL =
      Map.of("angry", "anger", "happy", "happiness", "sad", "sadness");

  private record Evidence(long atMs, Map<String, Double> classes, double confidence) {}

  private final Map<Modality, Evidence> latest = new EnumMap<>(Modality.class);
  private final Map<Modality, Set<String>> flags = new EnumMap<>(Modality.class);
  private final Deque<double[]> history = new ArrayDeque<>();

  @Override
  public void face(long atMs, FaceEvidence e) {
    flags.put(Modality.FACE, e.flags());
    e.probabilities().ifPresent(p -> latest.put(Modality.FACE, evidence(atMs, e.labels(), p)));
  }

  @Override
  public void voice(long atMs, VoiceEvidence e) {
    flags.put(Modality.VOICE, e.flags());
    latest.put(Modality.VOICE, evidence(atMs, e.labels(), e.probabilities()));
  }

  @Override
  public void forget(Modality modality) {
    latest.remove(modality);
    flags.remove(modality);
    history.clear();
  }

  @Override
  public Optional<VisitorState> state(long nowMs) {
    double wSum = 0;
    double v = 0;
    double a = 0;
    double c = 0;
    Map<String, Double> classes = new TreeMap<>();
    Map<String, Long> ages = new TreeMap<>();
    for (Map.Entry<Modality, Evidence> m : latest.entrySet()) {
      long age = Math.max(0, nowMs - m.getValue().atMs());
      if (age > MAX_AGE_MS) {
        continue;
      }
      double w = m.getValue().confidence() * Math.pow(0.5, (double) age / HALF_LIFE_MS);
      if (w <= 0) {
        continue;
      }
      ages.put(m.getKey().name().toLowerCase(java.util.Locale.ROOT), age);
      for (Map.Entry<String, Double> e : m.getValue().classes().entrySet()) {
        double[] va = CIRCUMPLEX.getOrDefault(e.getKey(), new double[] {0, 0.3});
        v += w * e.getValue() * va[0];
        a += w * e.getValue() * va[1];
        classes.merge(e.getKey(), w * e.getValue(), Double::sum);
      }
      c += w * m.getValue().confidence();
      wSum += w;
    }
    if (wSum == 0) {
      history.clear();
      return Optional.empty();
    }
    double total = wSum;
    classes.replaceAll((k, p) -> p / total);
    double confidence = c / wSum * (ages.size() == 1 ? SINGLE_MODALITY : 1.0);
    Set<String> f = new HashSet<>();
    flags.values().forEach(f::addAll);
    if (!ages.containsKey("voice")) {
      f.add("no_speech");
    }
    double valence = v / wSum;
    double arousal = a / wSum;
    history.addLast(new double[] {nowMs, valence, arousal});
    while (history.size() > 1 && history.peekFirst()[0] < nowMs - TREND_MS) {
      history.removeFirst();
    }
    double[] first = history.peekFirst();
    double dt = (nowMs - first[0]) / 1000.0;
    double vs = dt > 0 ? (valence - first[1]) / dt : 0;
    double as = dt > 0 ? (arousal - first[2]) / dt : 0;
    return Optional.of(
        new VisitorState(
            valence,
            arousal,
            confidence,
            new TreeMap<>(classes),
            new TreeMap<>(ages),
            f,
            vs,
            as,
            VisitorState.Signal.NONE,
            Double.NaN));
  }

  private static Evidence evidence(long atMs, List<String> labels, float[] p) {
    Map<String, Double> classes = new TreeMap<>();
    double max = 0;
    for (int i = 0; i < Math.min(labels.size(), p.length); i++) {
      String label = CANONICAL.getOrDefault(labels.get(i), labels.get(i));
      classes.merge(label, (double) p[i], Double::sum);
      max = Math.max(max, p[i]);
    }
    return new Evidence(atMs, classes, max);
  }
}
