package org.affectgate.models.voice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.affectgate.features.voice.EmotionClass;
import org.affectgate.features.voice.SessionNormaliser;
import org.affectgate.models.eval.Spread;

/**
 * The voice generalisation study of issue 15 §4: each variant measured by nested
 * leave-one-speaker-out on {@code emodb-2s} (the L2 penalty chosen inside each outer fold by an
 * inner leave-one-speaker-out over the training speakers only), with per-speaker spread of 7-class
 * UAR, binary arousal accuracy and binary valence balanced accuracy.
 *
 * <p>Variants: sox augmentation of the training folds (speed, pitch, noise; never of a scored
 * utterance), per-session online normalisation ({@link SessionNormaliser}; the held-out speaker's
 * utterances are shuffled into simulated kiosk sessions, seeded, and each segment is normalised by
 * the previous segments of its session only), dedicated arousal and valence heads beside the
 * 7-class head, and class-balanced ensembles. Features are read through {@link VoiceFeatureCache}.
 *
 * <pre>
 * models/foundry/scripts/voice-augment.sh ../shared/datasets/emodb-2s/wav models/foundry/target/voice-aug
 * models/foundry/foundry.sh --main org.affectgate.models.voice.VoiceGeneralisationStudy \
 *   --data ../shared/datasets/emodb-2s/wav --aug models/foundry/target/voice-aug [--only a,b]
 * </pre>
 *
 * Binary labels: arousal high = anger, disgust, fear, happiness (as {@code VoiceEstimate}); valence
 * positive = happiness, neutral, negative = the other five. The 7-class head's derived figures use
 * the agent's {@code VoiceEstimate} rules (arousal ≥ 0.5; valence proxy > 0).
 */
public final class VoiceGeneralisationStudy {
  static final List<Double> GRID = VoiceEmotion.L2_GRID;
  static final List<String> AUGMENTATIONS =
      List.of("speed090", "speed110", "pitch-200", "pitch+200", "noise");
  static final int TEST_REPEATS = 5;
  static final int K = EmotionClass.values().length;

  /** How the held-out speaker's utterances are grouped into simulated sessions. */
  enum Sessions {
    /** shuffled, all emotions mixed (what EmoDB's design gives) */
    MIXED,
    /** each session one emotion (a visitor who stays in one mood: the kiosk's likely case) */
    SAME_EMOTION
  }

  /**
   * One variant.
   *
   * @param augment augmentation sub-folders added to the training speakers (empty: none)
   * @param norm per-session normalisation, null for none
   * @param priorWeight n0 of the normaliser, in segments
   * @param sessionLength utterances per simulated session (training and test)
   * @param sessions grouping of the held-out speaker's sessions
   * @param ensemble 0: one model; > 0: that many class-balanced bootstrap members; -1: one member
   *     per training speaker left out
   */
  record Variant(
      String name,
      List<String> augment,
      SessionNormaliser.Mode norm,
      double priorWeight,
      int sessionLength,
      Sessions sessions,
      int ensemble) {
    String innerKey() {
      return augment + "|" + norm + "|" + priorWeight + "|" + sessionLength;
    }
  }

  static List<Variant> variants() {
    List<Variant> v = new ArrayList<>();
    List<String> none = List.of();
    SessionNormaliser.Mode mean = SessionNormaliser.Mode.MEAN;
    v.add(new Variant("baseline (shipped recipe)", none, null, 0, 0, Sessions.MIXED, 0));
    v.add(new Variant("session mean, 6/session, mixed", none, mean, 2, 6, Sessions.MIXED, 0));
    v.add(
        new Variant(
            "session mean, 6/session, same emotion", none, mean, 2, 6, Sessions.SAME_EMOTION, 0));
    v.add(
        new Variant(
            "session mean+sd, 6/session, mixed",
            none,
            SessionNormaliser.Mode.MEAN_SD,
            2,
            6,
            Sessions.MIXED,
            0));
    v.add(new Variant("session mean, 3/session, mixed", none, mean, 2, 3, Sessions.MIXED, 0));
    v.add(new Variant("ensemble 7 balanced bootstraps", none, null, 0, 0, Sessions.MIXED, 7));
    v.add(new Variant("ensemble leave-one-speaker-out", none, null, 0, 0, Sessions.MIXED, -1));
    v.add(new Variant("augment speed+pitch+noise", AUGMENTATIONS, null, 0, 0, Sessions.MIXED, 0));
    v.add(
        new Variant(
            "augment all + ensemble 7 balanced", AUGMENTATIONS, null, 0, 0, Sessions.MIXED, 7));
    v.add(
        new Variant(
            "augment speed only", List.of("speed090", "speed110"), null, 0, 0, Sessions.MIXED, 0));
    v.add(
        new Variant(
            "augment pitch only",
            List.of("pitch-200", "pitch+200"),
            null,
            0,
            0,
            Sessions.MIXED,
            0));
    v.add(new Variant("augment noise only", List.of("noise"), null, 0, 0, Sessions.MIXED, 0));
    return v;
  }

  /** One training or test unit: an utterance's (possibly normalised) segment vectors. */
  private record Item(String speaker, int label, List<float[]> segs, boolean original) {}

  /** Per-speaker tallies. */
  private static final class Tally {
    final int[] total = new int[K];
    final int[] right = new int[K];
    int n;
    int arousalDerived;
    int arousalHead;
    final int[] valTotal = new int[2];
    final int[] valDerived = new int[2];
    final int[] valHead = new int[2];

    double uar() {
      return VoiceEmotionEval.uar(right, total);
    }

    double valenceBalanced(int[] ok) {
      return 0.5 * ((double) ok[0] / valTotal[0] + (double) ok[1] / valTotal[1]);
    }
  }

  private final Map<String, List<EmoDb.Utterance>> data;
  private final List<String> speakers;
  private final Map<String, Double> innerChoice = new HashMap<>();

  VoiceGeneralisationStudy(Map<String, List<EmoDb.Utterance>> data) {
    this.data = data;
    Set<String> s = new TreeSet<>();
    data.get("orig").forEach(u -> s.add(u.speaker()));
    this.speakers = List.copyOf(s);
  }

  public static void main(String[] args) throws IOException {
    Path dataDir = null;
    Path augDir = null;
    Path cacheDir = Path.of("models/foundry/target/voice-cache");
    Set<String> only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> dataDir = Path.of(args[++i]);
        case "--aug" -> augDir = Path.of(args[++i]);
        case "--cache" -> cacheDir = Path.of(args[++i]);
        case "--only" -> only = Set.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (dataDir == null || augDir == null) {
      System.err.println("usage: --data EMODB_WAV_DIR --aug AUGMENTED_DIR [--cache DIR] [--only]");
      System.exit(2);
    }
    Map<String, List<EmoDb.Utterance>> data = new LinkedHashMap<>();
    data.put("orig", VoiceFeatureCache.load(dataDir, cacheDir.resolve("orig.bin")));
    for (String a : AUGMENTATIONS) {
      Path d = augDir.resolve(a);
      if (!Files.isDirectory(d)) {
        System.err.println(d + ": missing (run models/foundry/scripts/voice-augment.sh first)");
        System.exit(2);
      }
      data.put(a, VoiceFeatureCache.load(d, cacheDir.resolve(a + ".bin")));
    }
    VoiceGeneralisationStudy study = new VoiceGeneralisationStudy(data);
    StringBuilder summary = new StringBuilder();
    summary.append(
        "| variant | UAR pooled | per-speaker UAR min / median / max | arousal acc 7-class"
            + " (min-max) | arousal head (min-max) | valence bal. acc 7-class (min-max) | valence"
            + " head (min-max) |\n|---|---:|---|---|---|---|---|\n");
    for (Variant v : variants()) {
      if (only != null && only.stream().noneMatch(o -> v.name().startsWith(o))) {
        continue;
      }
      long t0 = System.nanoTime();
      summary.append(study.run(v).row());
      System.out.printf(Locale.ROOT, "  (%.0f s)%n%n", (System.nanoTime() - t0) / 1e9);
      System.out.flush();
    }
    System.out.println(summary);
  }

  /**
   * One variant's outcome.
   *
   * @param row its markdown row for the summary table
   * @param uar pooled 7-class UAR over every scored utterance (and session repeat)
   * @param perSpeakerUar spread of the held-out speakers' UAR
   */
  record Outcome(String row, double uar, Spread perSpeakerUar) {}

  /** Runs one variant and prints its per-speaker table. */
  Outcome run(Variant v) {
    Map<String, Tally> tallies = new LinkedHashMap<>();
    Tally pooled = new Tally();
    System.out.println("## " + v.name());
    System.out.println(
        "| speaker | utterances | L2 | UAR | arousal 7-class | arousal head | valence bal 7-class |"
            + " valence head |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (String held : speakers) {
      List<String> trainSpeakers = new ArrayList<>(speakers);
      trainSpeakers.remove(held);
      double[][] prior = prior(trainSpeakers);
      List<Item> train = trainingItems(trainSpeakers, v, prior);
      double l2 =
          innerChoice.computeIfAbsent(
              v.innerKey() + "|" + held, k -> selectL2(train, trainSpeakers));
      VoiceClassifier seven = fitSeven(train, v, l2, trainSpeakers);
      VoiceClassifier arousal = fitBinary(train, l2, VoiceGeneralisationStudy::arousalHigh);
      VoiceClassifier valence = fitBinary(train, l2, VoiceGeneralisationStudy::valencePositive);
      Tally t = new Tally();
      for (int r = 0; r < TEST_REPEATS; r++) {
        for (Item u : testItems(held, v, prior, r)) {
          score(u, seven, arousal, valence, t);
          score(u, seven, arousal, valence, pooled);
        }
        if (v.norm() == null) {
          break; // without normalisation every repeat is the same
        }
      }
      tallies.put(held, t);
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %s | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
          held,
          t.n,
          l2,
          t.uar(),
          (double) t.arousalDerived / t.n,
          (double) t.arousalHead / t.n,
          t.valenceBalanced(t.valDerived),
          t.valenceBalanced(t.valHead));
    }
    List<Double> uar = new ArrayList<>();
    List<Double> ad = new ArrayList<>();
    List<Double> ah = new ArrayList<>();
    List<Double> vd = new ArrayList<>();
    List<Double> vh = new ArrayList<>();
    for (Tally t : tallies.values()) {
      uar.add(t.uar());
      ad.add((double) t.arousalDerived / t.n);
      ah.add((double) t.arousalHead / t.n);
      vd.add(t.valenceBalanced(t.valDerived));
      vh.add(t.valenceBalanced(t.valHead));
    }
    Spread su = Spread.of(uar);
    String line =
        String.format(
            Locale.ROOT,
            "pooled: UAR %.3f, arousal %.3f (7-class) / %.3f (head), valence balanced %.3f"
                + " (7-class) / %.3f (head); per-speaker UAR %s",
            pooled.uar(),
            (double) pooled.arousalDerived / pooled.n,
            (double) pooled.arousalHead / pooled.n,
            pooled.valenceBalanced(pooled.valDerived),
            pooled.valenceBalanced(pooled.valHead),
            su);
    System.out.print(line);
    String row =
        String.format(
            Locale.ROOT,
            "| %s | %.3f | %.3f / %.3f / %.3f | %.3f (%s) | %.3f (%s) | %.3f (%s) | %.3f (%s) |%n",
            v.name(),
            pooled.uar(),
            su.min(),
            su.median(),
            su.max(),
            (double) pooled.arousalDerived / pooled.n,
            range(ad),
            (double) pooled.arousalHead / pooled.n,
            range(ah),
            pooled.valenceBalanced(pooled.valDerived),
            range(vd),
            pooled.valenceBalanced(pooled.valHead),
            range(vh));
    return new Outcome(row, pooled.uar(), su);
  }

  private static String range(List<Double> v) {
    Spread s = Spread.of(v);
    return String.format(Locale.ROOT, "%.2f-%.2f", s.min(), s.max());
  }

  static boolean arousalHigh(int label) {
    EmotionClass c = EmotionClass.values()[label];
    return VoiceEmotionEval.HIGH.contains(c) || c == EmotionClass.DISGUST;
  }

  static boolean valencePositive(int label) {
    EmotionClass c = EmotionClass.values()[label];
    return c == EmotionClass.HAPPINESS || c == EmotionClass.NEUTRAL;
  }

  private static void score(
      Item u, VoiceClassifier seven, VoiceClassifier arousal, VoiceClassifier valence, Tally t) {
    int truth = u.label();
    t.n++;
    t.total[truth]++;
    int pos = valencePositive(truth) ? 1 : 0;
    t.valTotal[pos]++;
    if (u.segs().isEmpty()) {
      return; // no speech found: wrong everywhere
    }
    double[] p = VoiceEmotionEval.mean(seven, u.segs());
    if (VoiceEmotionEval.argmax(p) == truth) {
      t.right[truth]++;
    }
    EmotionClass[] cs = EmotionClass.values();
    double high = 0;
    for (int c = 0; c < K; c++) {
      if (arousalHigh(c)) {
        high += p[c];
      }
    }
    if ((high >= 0.5) == arousalHigh(truth)) {
      t.arousalDerived++;
    }
    if ((VoiceEmotionEval.mean(arousal, u.segs())[1] >= 0.5) == arousalHigh(truth)) {
      t.arousalHead++;
    }
    double proxy =
        p[EmotionClass.HAPPINESS.ordinal()]
            + 0.5 * p[EmotionClass.NEUTRAL.ordinal()]
            - p[EmotionClass.ANGER.ordinal()]
            - p[EmotionClass.DISGUST.ordinal()]
            - p[EmotionClass.FEAR.ordinal()]
            - p[EmotionClass.SADNESS.ordinal()];
    if ((proxy > 0) == (pos == 1)) {
      t.valDerived[pos]++;
    }
    if ((VoiceEmotionEval.mean(valence, u.segs())[1] >= 0.5) == (pos == 1)) {
      t.valHead[pos]++;
    }
    assert cs.length == K;
  }

  /** Population mean and SD of the training speakers' original segments. */
  private double[][] prior(List<String> trainSpeakers) {
    List<float[]> x = new ArrayList<>();
    for (EmoDb.Utterance u : data.get("orig")) {
      if (trainSpeakers.contains(u.speaker())) {
        x.addAll(u.segments());
      }
    }
    int d = x.get(0).length;
    double[] mu = new double[d];
    double[] sd = new double[d];
    for (float[] r : x) {
      for (int j = 0; j < d; j++) {
        mu[j] += r[j] / (double) x.size();
      }
    }
    for (float[] r : x) {
      for (int j = 0; j < d; j++) {
        sd[j] += (r[j] - mu[j]) * (r[j] - mu[j]) / x.size();
      }
    }
    for (int j = 0; j < d; j++) {
      sd[j] = Math.sqrt(sd[j]);
      if (!(sd[j] > 1e-9)) {
        sd[j] = 1;
      }
    }
    return new double[][] {mu, sd};
  }

  private List<Item> trainingItems(List<String> trainSpeakers, Variant v, double[][] prior) {
    List<String> sources = new ArrayList<>();
    sources.add("orig");
    sources.addAll(v.augment());
    List<Item> out = new ArrayList<>();
    for (String src : sources) {
      for (String s : trainSpeakers) {
        List<EmoDb.Utterance> own = new ArrayList<>();
        for (EmoDb.Utterance u : data.get(src)) {
          if (u.speaker().equals(s)) {
            own.add(u);
          }
        }
        long seed = 15L * 31 + (src + "/" + s).hashCode();
        out.addAll(sessions(own, v, prior, Sessions.MIXED, seed, src.equals("orig")));
      }
    }
    return out;
  }

  private List<Item> testItems(String held, Variant v, double[][] prior, int repeat) {
    List<EmoDb.Utterance> own = new ArrayList<>();
    for (EmoDb.Utterance u : data.get("orig")) {
      if (u.speaker().equals(held)) {
        own.add(u);
      }
    }
    return sessions(own, v, prior, v.sessions(), 1000L + repeat, true);
  }

  /**
   * The utterances of one speaker (one augmentation source) grouped into seeded sessions and
   * normalised online, or unchanged when the variant has no normalisation.
   */
  private static List<Item> sessions(
      List<EmoDb.Utterance> own,
      Variant v,
      double[][] prior,
      Sessions grouping,
      long seed,
      boolean original) {
    List<Item> out = new ArrayList<>();
    if (v.norm() == null) {
      for (EmoDb.Utterance u : own) {
        out.add(new Item(u.speaker(), u.label().ordinal(), u.segments(), original));
      }
      return out;
    }
    List<EmoDb.Utterance> order = new ArrayList<>(own);
    Collections.shuffle(order, new Random(seed));
    List<List<EmoDb.Utterance>> groups = new ArrayList<>();
    if (grouping == Sessions.MIXED) {
      groups.add(order);
    } else {
      for (EmotionClass c : EmotionClass.values()) {
        groups.add(order.stream().filter(u -> u.label() == c).toList());
      }
    }
    for (List<EmoDb.Utterance> g : groups) {
      SessionNormaliser n = null;
      for (int i = 0; i < g.size(); i++) {
        if (i % v.sessionLength() == 0) {
          n = new SessionNormaliser(v.norm(), prior[0], prior[1], v.priorWeight());
        }
        EmoDb.Utterance u = g.get(i);
        List<float[]> segs = new ArrayList<>();
        for (float[] x : u.segments()) {
          segs.add(n.normalise(x));
        }
        for (float[] x : u.segments()) {
          n.observe(x);
        }
        out.add(new Item(u.speaker(), u.label().ordinal(), segs, original));
      }
    }
    return out;
  }

  /** The L2 penalty with the best inner leave-one-speaker-out UAR (first on ties). */
  private static double selectL2(List<Item> train, List<String> trainSpeakers) {
    double best = Double.NaN;
    double bestUar = -1;
    for (double l2 : GRID) {
      int[] total = new int[K];
      int[] right = new int[K];
      for (String inner : trainSpeakers) {
        List<Item> fit = train.stream().filter(i -> !i.speaker().equals(inner)).toList();
        VoiceClassifier m = fit(fit, l2, K, i -> i.label());
        for (Item i : train) {
          if (i.speaker().equals(inner) && i.original()) {
            total[i.label()]++;
            if (!i.segs().isEmpty()
                && VoiceEmotionEval.argmax(VoiceEmotionEval.mean(m, i.segs())) == i.label()) {
              right[i.label()]++;
            }
          }
        }
      }
      double uar = VoiceEmotionEval.uar(right, total);
      if (uar > bestUar) {
        bestUar = uar;
        best = l2;
      }
    }
    return best;
  }

  private interface Labeller {
    int label(Item i);
  }

  private static VoiceClassifier fit(List<Item> items, double l2, int classes, Labeller y) {
    List<float[]> x = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Item i : items) {
      for (float[] v : i.segs()) {
        x.add(v);
        labels.add(y.label(i));
      }
    }
    return new SoftmaxTrainer(l2, VoiceEmotion.ITERATIONS)
        .fit(x, labels.stream().mapToInt(Integer::intValue).toArray(), classes);
  }

  private static VoiceClassifier fitBinary(
      List<Item> train, double l2, java.util.function.IntPredicate positive) {
    return fit(train, l2, 2, i -> positive.test(i.label()) ? 1 : 0);
  }

  private static VoiceClassifier fitSeven(
      List<Item> train, Variant v, double l2, List<String> trainSpeakers) {
    if (v.ensemble() == 0) {
      return fit(train, l2, K, Item::label);
    }
    List<VoiceClassifier> members = new ArrayList<>();
    if (v.ensemble() < 0) {
      for (String out : trainSpeakers) {
        members.add(
            fit(train.stream().filter(i -> !i.speaker().equals(out)).toList(), l2, K, Item::label));
      }
    } else {
      Map<Integer, List<Item>> byClass = new HashMap<>();
      for (Item i : train) {
        byClass.computeIfAbsent(i.label(), k -> new ArrayList<>()).add(i);
      }
      int per = train.size() / K;
      for (int m = 0; m < v.ensemble(); m++) {
        Random rnd = new Random(15L + m);
        List<Item> sample = new ArrayList<>();
        for (int c = 0; c < K; c++) {
          List<Item> pool = byClass.get(c);
          for (int k = 0; k < per; k++) {
            sample.add(pool.get(rnd.nextInt(pool.size())));
          }
        }
        members.add(fit(sample, l2, K, Item::label));
      }
    }
    return new MeanEnsemble(members);
  }

  /** The mean of its members' probabilities. */
  record MeanEnsemble(List<VoiceClassifier> members) implements VoiceClassifier {
    @Override
    public int features() {
      return members.get(0).features();
    }

    @Override
    public int classes() {
      return members.get(0).classes();
    }

    @Override
    public double[] predict(float[] x) {
      double[] out = new double[classes()];
      for (VoiceClassifier m : members) {
        double[] p = m.predict(x);
        for (int c = 0; c < out.length; c++) {
          out[c] += p[c] / members.size();
        }
      }
      return out;
    }
  }
}
