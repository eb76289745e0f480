package org.affectgate.models.stress;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.hrv.HrvFeatures;
import org.affectgate.models.stress.StressPredictData.Recording;

/**
 * Study of personal-baseline recipes for {@code hrv-stress} (issue 15 §4): which way of relating a
 * window's HRV to the wearer's own history transfers best to people the model has never seen, and
 * in particular to the worst quartile of them.
 *
 * <p>CPU is scarce, so the agent's HRV stage runs once: {@code cache DATA_DIR} replays every
 * participant's {@code IBI.csv} through the agent's {@code HrvWindowEngine} (120 s and 180 s
 * windows, step 10 s, other settings default) and writes every window's four time-domain features
 * and its label (-1 when unlabelled or straddling a task boundary) to {@value #CACHE}. {@code
 * study} then reads that file only and, for each recipe, builds each participant's model inputs by
 * replaying their windows in order through the recipe's online, causal baseline (labels never enter
 * a baseline), and reports plain leave-one-participant-out per participant (mean, min, median, max,
 * the worst quartile) and a nested leave-one-participant-out over all recipes.
 *
 * <p>Recipes that need a population prior take it from the training participants' unlabelled
 * windows of the fold (the held-out participant never contributes). In the nested run, the prior of
 * an outer fold is also used for its inner folds (the inner held-out participant's unlabelled
 * windows are 1/28 of it; no labels).
 *
 * <p>Run: {@code models/foundry/foundry.sh --main org.affectgate.models.stress.StressRecipeStudy
 * cache ../shared/datasets/stress-predict}, then {@code ... StressRecipeStudy study}. Scratch
 * tooling: its figures go in the model card; nothing shipped depends on it.
 */
public final class StressRecipeStudy {
  /** The feature cache, relative to the repository root. */
  public static final String CACHE = "models/foundry/target/stress-windows.csv";

  private static final int[] WINDOWS = {120, 180};
  private static final int STEP_S = 10;
  private static final long WARM_UP_MS = 5 * 60_000L;
  private static final long GAP_MS = 30 * 60_000L;
  private static final int MIN_WARM = 6;

  /** One cached window: raw features (bpm, ms, ms, %), label -1/0/1. */
  record Raw(int windowSeconds, String participant, long endMs, float[] x, int label) {}

  private StressRecipeStudy() {}

  public static void main(String[] args) throws IOException {
    if (args.length >= 2 && args[0].equals("cache")) {
      cache(Path.of(args[1]), Path.of(CACHE));
    } else if (args.length >= 1 && args[0].equals("interpret")) {
      List<Raw> raws = read(Path.of(CACHE));
      interpret(raws, "running, 5 min warm-up (2.0 spec)", System.out);
      System.out.println();
      interpret(raws, "running, 10 min warm-up (2.1 spec)", System.out);
    } else if (args.length >= 1 && args[0].equals("study")) {
      study(read(Path.of(CACHE)), System.out, args.length >= 2 && args[1].equals("--nested"));
    } else {
      System.err.println("usage: StressRecipeStudy cache DATA_DIR | study [--nested] | interpret");
      System.exit(2);
    }
  }

  static void cache(Path dataDir, Path file) throws IOException {
    List<Recording> recordings = StressPredictData.read(dataDir);
    Files.createDirectories(file.getParent());
    int n = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("windowSeconds,participant,endMs,meanHrBpm,rmssdMs,sdnnMs,pnn50Pct,label\n");
      for (int seconds : WINDOWS) {
        HrvRecipe recipe = new HrvRecipe(RrSource.IBI, FeatureSet.RUNNING, seconds, 0.01);
        HrvConfig config = recipe.config();
        for (Recording r : recordings) {
          for (HrvFeatures f : HrvWindows.features(r, RrSource.IBI, config)) {
            float[] v = HrvWindows.vector(f);
            int label =
                r.labels()
                    .windowLabel(
                        f.windowEndMs() - config.windowMs(),
                        f.windowEndMs(),
                        HrvWindows.MIN_LABEL_COVERAGE);
            w.write(
                String.format(
                    Locale.ROOT,
                    "%d,%s,%d,%s,%s,%s,%s,%d%n",
                    seconds,
                    r.participant(),
                    f.windowEndMs(),
                    Float.toString(v[0]),
                    Float.toString(v[1]),
                    Float.toString(v[2]),
                    Float.toString(v[3]),
                    label));
            n++;
          }
        }
      }
    }
    System.out.printf("%d windows of %d participants written to %s%n", n, recordings.size(), file);
  }

  static List<Raw> read(Path file) throws IOException {
    List<Raw> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      out.add(
          new Raw(
              Integer.parseInt(c[0]),
              c[1],
              Long.parseLong(c[2]),
              new float[] {
                Float.parseFloat(c[3]),
                Float.parseFloat(c[4]),
                Float.parseFloat(c[5]),
                Float.parseFloat(c[6])
              },
              Integer.parseInt(c[7])));
    }
    return out;
  }

  // ---------------------------------------------------------------- recipes

  /** One subject's online model-input stream; null = no input (warm-up). */
  interface Stream {
    float[] offer(long endMs, double[] t);
  }

  /** A recipe: its name and a stream factory given the fold's population mean of ln(1+x). */
  record Recipe(
      String name, int windowSeconds, java.util.function.Function<double[], Stream> make) {
    boolean usesPrior() {
      return name.startsWith("population prior");
    }
  }

  private static final Map<String, List<HrvWindows.Window>> BUILT = new java.util.HashMap<>();

  static double[] log(float[] x) {
    double[] t = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      t[i] = Math.log1p(x[i]);
    }
    return t;
  }

  /** Session bookkeeping shared by the baselines: warm-up and gap restarts. */
  abstract static class Session implements Stream {
    private final long warmUpMs;
    private long anchor;
    private long last = Long.MIN_VALUE;
    private int seen;
    private boolean warm;

    Session(long warmUpMs) {
      this.warmUpMs = warmUpMs;
    }

    @Override
    public final float[] offer(long endMs, double[] t) {
      if (last == Long.MIN_VALUE || endMs - last > GAP_MS) {
        restart(endMs);
      }
      last = endMs;
      if (!warm && endMs - anchor >= warmUpMs) {
        if (seen >= MIN_WARM || warmUpMs == 0) {
          warm = true;
        } else {
          restart(endMs);
        }
      }
      seen++;
      add(t);
      return warm ? input(t) : null;
    }

    private void restart(long endMs) {
      anchor = endMs;
      seen = 0;
      warm = warmUpMs == 0;
      reset();
    }

    abstract void reset();

    abstract void add(double[] t);

    abstract float[] input(double[] t);
  }

  /** A session whose baseline comes from the sum and count of its windows so far. */
  abstract static class SummingSession extends Session {
    final double[] sum = new double[4];
    int n;

    SummingSession(long warmUpMs) {
      super(warmUpMs);
    }

    @Override
    final void reset() {
      Arrays.fill(sum, 0);
      n = 0;
    }

    @Override
    final void add(double[] t) {
      for (int i = 0; i < 4; i++) {
        sum[i] += t[i];
      }
      n++;
    }

    @Override
    final float[] input(double[] t) {
      float[] o = new float[4];
      for (int i = 0; i < 4; i++) {
        o[i] = (float) (t[i] - baseline(i));
      }
      return o;
    }

    /** The baseline of feature {@code i}, given {@link #sum} and {@link #n}. */
    abstract double baseline(int i);
  }

  /** Running session mean ({@code hrv-time180-run-v1} with 5 min, {@code -run10-v1} with 10). */
  static Stream running(long warmUpMs) {
    return new SummingSession(warmUpMs) {
      @Override
      double baseline(int i) {
        return sum[i] / n;
      }
    };
  }

  /** Running mean shrunk towards a population prior worth {@code k} windows. */
  static Stream prior(double[] pop, int k, long warmUpMs) {
    return new SummingSession(warmUpMs) {
      @Override
      double baseline(int i) {
        return (sum[i] + k * pop[i]) / (n + k);
      }
    };
  }

  /** Trailing mean of the last {@code n} windows (a rolling baseline). */
  static Stream rolling(int size) {
    return new Session(WARM_UP_MS) {
      final Deque<double[]> q = new ArrayDeque<>();
      final double[] sum = new double[4];

      @Override
      void reset() {
        q.clear();
        Arrays.fill(sum, 0);
      }

      @Override
      void add(double[] t) {
        q.addLast(t);
        for (int i = 0; i < 4; i++) {
          sum[i] += t[i];
        }
        if (q.size() > size) {
          double[] old = q.removeFirst();
          for (int i = 0; i < 4; i++) {
            sum[i] -= old[i];
          }
        }
      }

      @Override
      float[] input(double[] t) {
        float[] o = new float[4];
        for (int i = 0; i < 4; i++) {
          o[i] = (float) (t[i] - sum[i] / q.size());
        }
        return o;
      }
    };
  }

  /** Exponentially weighted mean with a half-life of {@code halfLifeWindows} windows. */
  static Stream ewma(double halfLifeWindows) {
    double a = 1 - Math.pow(0.5, 1 / halfLifeWindows);
    return new Session(WARM_UP_MS) {
      final double[] m = new double[4];
      boolean first;

      @Override
      void reset() {
        first = true;
      }

      @Override
      void add(double[] t) {
        for (int i = 0; i < 4; i++) {
          m[i] = first ? t[i] : m[i] + a * (t[i] - m[i]);
        }
        first = false;
      }

      @Override
      float[] input(double[] t) {
        float[] o = new float[4];
        for (int i = 0; i < 4; i++) {
          o[i] = (float) (t[i] - m[i]);
        }
        return o;
      }
    };
  }

  /**
   * Over the last {@code size} windows of the session: mode 0 = median baseline ({@code t -
   * median}), 1 = rank ({@code share of history below t, ties half, minus 0.5}), 2 = running
   * z-score ({@code (t - mean) / sd}).
   */
  static Stream history(int size, int mode) {
    return new Session(WARM_UP_MS) {
      final Deque<double[]> q = new ArrayDeque<>();

      @Override
      void reset() {
        q.clear();
      }

      @Override
      void add(double[] t) {
        q.addLast(t);
        if (q.size() > size) {
          q.removeFirst();
        }
      }

      @Override
      float[] input(double[] t) {
        float[] o = new float[4];
        int n = q.size();
        for (int i = 0; i < 4; i++) {
          double[] v = new double[n];
          int j = 0;
          for (double[] h : q) {
            v[j++] = h[i];
          }
          if (mode == 0) {
            Arrays.sort(v);
            double med = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
            o[i] = (float) (t[i] - med);
          } else if (mode == 1) {
            double below = 0;
            for (double x : v) {
              below += x < t[i] ? 1 : x == t[i] ? 0.5 : 0;
            }
            o[i] = (float) (below / n - 0.5);
          } else {
            double mean = 0;
            for (double x : v) {
              mean += x;
            }
            mean /= n;
            double var = 0;
            for (double x : v) {
              var += (x - mean) * (x - mean);
            }
            double sd = Math.sqrt(var / n);
            o[i] = (float) ((t[i] - mean) / Math.max(sd, 1e-3));
          }
        }
        return o;
      }
    };
  }

  /** Population-normalised absolute input ({@code ln(1+x)}; the trainer standardises it). */
  static Stream absolute(long warmUpMs) {
    return new Session(warmUpMs) {
      @Override
      void reset() {}

      @Override
      void add(double[] t) {}

      @Override
      float[] input(double[] t) {
        float[] o = new float[4];
        for (int i = 0; i < 4; i++) {
          o[i] = (float) t[i];
        }
        return o;
      }
    };
  }

  /** {@code s}, but no input for windows ending less than {@code fromMs} after the first one. */
  static Stream from(Stream s, long fromMs) {
    long[] first = {Long.MIN_VALUE};
    return (end, t) -> {
      if (first[0] == Long.MIN_VALUE) {
        first[0] = end;
      }
      float[] x = s.offer(end, t);
      return end - first[0] < fromMs ? null : x;
    };
  }

  /** Both streams' inputs side by side (8 values); null while either warms up. */
  static Stream concat(Stream a, Stream b) {
    return (end, t) -> {
      float[] x = a.offer(end, t);
      float[] y = b.offer(end, t);
      if (x == null || y == null) {
        return null;
      }
      float[] o = Arrays.copyOf(x, x.length + y.length);
      System.arraycopy(y, 0, o, x.length, y.length);
      return o;
    };
  }

  static List<Recipe> recipes() {
    List<Recipe> out = new ArrayList<>();
    for (int w : WINDOWS) {
      out.add(new Recipe("running, 5 min warm-up (2.0 spec)", w, p -> running(WARM_UP_MS)));
      out.add(new Recipe("running, 2 min warm-up", w, p -> running(2 * 60_000L)));
      out.add(new Recipe("running, 10 min warm-up (2.1 spec)", w, p -> running(10 * 60_000L)));
      out.add(
          new Recipe(
              "running, 5 min warm-up, windows from 10 min only",
              w,
              p -> from(running(WARM_UP_MS), 10 * 60_000L)));
      out.add(new Recipe("rolling 15 min", w, p -> rolling(90)));
      out.add(new Recipe("rolling 30 min", w, p -> rolling(180)));
      out.add(new Recipe("rolling 60 min", w, p -> rolling(360)));
      out.add(new Recipe("EWMA half-life 10 min", w, p -> ewma(60)));
      out.add(new Recipe("EWMA half-life 30 min", w, p -> ewma(180)));
      out.add(new Recipe("running median, last 60 min", w, p -> history(360, 0)));
      out.add(new Recipe("rank in last 60 min", w, p -> history(360, 1)));
      out.add(new Recipe("running z-score, last 60 min", w, p -> history(360, 2)));
      out.add(new Recipe("population prior k=30, 5 min warm-up", w, p -> prior(p, 30, WARM_UP_MS)));
      out.add(new Recipe("population prior k=30, no warm-up", w, p -> prior(p, 30, 0)));
      out.add(new Recipe("population prior k=90, no warm-up", w, p -> prior(p, 90, 0)));
      out.add(new Recipe("population-normalised absolute", w, p -> absolute(WARM_UP_MS)));
      out.add(
          new Recipe(
              "running + population-normalised absolute",
              w,
              p -> concat(running(WARM_UP_MS), absolute(WARM_UP_MS))));
      out.add(
          new Recipe(
              "running + rank in last 60 min",
              w,
              p -> concat(running(WARM_UP_MS), history(360, 1))));
    }
    return out;
  }

  /** The small grid the nested run selects among. */
  static List<Recipe> nestedCandidates() {
    Set<String> names =
        Set.of(
            "running, 5 min warm-up (2.0 spec)",
            "running, 10 min warm-up (2.1 spec)",
            "rolling 30 min",
            "rank in last 60 min",
            "running z-score, last 60 min",
            "running + population-normalised absolute");
    return recipes().stream().filter(r -> names.contains(r.name())).toList();
  }

  // ---------------------------------------------------------------- evaluation

  /** The fold's population mean of ln(1+x) over every window of the participants not excluded. */
  static double[] populationMean(List<Raw> raws, int windowSeconds, Set<String> excluded) {
    double[] s = new double[4];
    int n = 0;
    for (Raw r : raws) {
      if (r.windowSeconds() == windowSeconds && !excluded.contains(r.participant())) {
        double[] t = log(r.x());
        for (int i = 0; i < 4; i++) {
          s[i] += t[i];
        }
        n++;
      }
    }
    for (int i = 0; i < 4; i++) {
      s[i] /= Math.max(1, n);
    }
    return s;
  }

  /** Labelled model inputs of every participant under {@code recipe} with prior {@code pop}. */
  static List<HrvWindows.Window> build(List<Raw> raws, Recipe recipe, double[] pop) {
    String key =
        recipe.windowSeconds() + recipe.name() + (recipe.usesPrior() ? Arrays.toString(pop) : "");
    return BUILT.computeIfAbsent(key, k -> buildOnce(raws, recipe, pop));
  }

  private static List<HrvWindows.Window> buildOnce(List<Raw> raws, Recipe recipe, double[] pop) {
    Map<String, Stream> streams = new TreeMap<>();
    List<HrvWindows.Window> out = new ArrayList<>();
    for (Raw r : raws) {
      if (r.windowSeconds() != recipe.windowSeconds()) {
        continue;
      }
      Stream s = streams.computeIfAbsent(r.participant(), k -> recipe.make().apply(pop));
      float[] x = s.offer(r.endMs(), log(r.x()));
      if (x != null && r.label() >= 0) {
        out.add(new HrvWindows.Window(r.participant(), r.endMs(), x, r.label()));
      }
    }
    return out;
  }

  /** Per-participant plain-LOPO metrics of one recipe (prior per fold without the held-out one). */
  static Map<String, BinaryMetrics> lopo(
      List<Raw> raws, Recipe recipe, Set<String> excluded, LogisticTrainer trainer) {
    Set<String> participants = new TreeSet<>();
    raws.forEach(r -> participants.add(r.participant()));
    participants.removeAll(excluded);
    Map<String, BinaryMetrics> out = new TreeMap<>();
    for (String held : participants) {
      Set<String> ex = new HashSet<>(excluded);
      ex.add(held);
      Set<String> priorExcluded = excluded.isEmpty() ? ex : excluded;
      List<HrvWindows.Window> all =
          build(raws, recipe, populationMean(raws, recipe.windowSeconds(), priorExcluded));
      List<HrvWindows.Window> train = new ArrayList<>();
      List<HrvWindows.Window> test = new ArrayList<>();
      for (HrvWindows.Window w : all) {
        if (w.participant().equals(held)) {
          test.add(w);
        } else if (!ex.contains(w.participant())) {
          train.add(w);
        }
      }
      if (test.isEmpty()) {
        continue;
      }
      LogisticModel m = trainer.fit(train);
      out.put(held, score(m, test));
    }
    return out;
  }

  static BinaryMetrics score(LogisticModel m, List<HrvWindows.Window> test) {
    double[] s = new double[test.size()];
    int[] l = new int[test.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = m.probability(test.get(i).features());
      l[i] = test.get(i).label();
    }
    return BinaryMetrics.of(s, l, 0.5);
  }

  /** Balanced accuracy spread: mean, min, median, max, worst-quartile mean, worst-quartile ids. */
  record Spread(
      double mean, double min, double median, double max, double worstQuartile, String worst) {}

  static Spread spread(Map<String, BinaryMetrics> rows, boolean auc) {
    List<Map.Entry<String, Double>> v = new ArrayList<>();
    for (Map.Entry<String, BinaryMetrics> e : rows.entrySet()) {
      double x = auc ? e.getValue().rocAuc() : e.getValue().balancedAccuracy();
      if (!Double.isNaN(x)) {
        v.add(Map.entry(e.getKey(), x));
      }
    }
    v.sort(Map.Entry.comparingByValue());
    int n = v.size();
    int q = Math.max(1, n / 4);
    double sum = 0;
    double worst = 0;
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sum += v.get(i).getValue();
      if (i < q) {
        worst += v.get(i).getValue();
        ids.append(i == 0 ? "" : " ").append(v.get(i).getKey());
      }
    }
    double median =
        n % 2 == 1
            ? v.get(n / 2).getValue()
            : (v.get(n / 2 - 1).getValue() + v.get(n / 2).getValue()) / 2;
    return new Spread(
        sum / n, v.get(0).getValue(), median, v.get(n - 1).getValue(), worst / q, ids.toString());
  }

  static void study(List<Raw> raws, PrintStream out, boolean nested) {
    LogisticTrainer trainer = new LogisticTrainer(0.01);
    out.println(
        "Plain leave-one-participant-out per recipe (IBI beats, agent HRV stage, class-balanced"
            + " logistic regression L2 0.01, threshold 0.5); BA = balanced accuracy per participant;"
            + " worst quartile = mean of the lowest floor(n/4) participants");
    out.println();
    out.println(
        "| window | recipe | windows | BA mean | BA min | BA median | BA max | BA worst quartile |"
            + " AUC mean | AUC worst quartile | worst-quartile participants (BA) |");
    out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    Map<Recipe, Map<String, BinaryMetrics>> all = new LinkedHashMap<>();
    for (Recipe r : recipes()) {
      Map<String, BinaryMetrics> rows = lopo(raws, r, Set.of(), trainer);
      all.put(r, rows);
      Spread ba = spread(rows, false);
      Spread auc = spread(rows, true);
      int n = rows.values().stream().mapToInt(BinaryMetrics::n).sum();
      out.printf(
          Locale.ROOT,
          "| %d s | %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %s |%n",
          r.windowSeconds(),
          r.name(),
          n,
          ba.mean(),
          ba.min(),
          ba.median(),
          ba.max(),
          ba.worstQuartile(),
          auc.mean(),
          auc.worstQuartile(),
          ba.worst());
    }
    if (!nested) {
      return;
    }
    out.println();
    out.println(
        "Nested leave-one-participant-out over "
            + nestedCandidates().size()
            + " recipes (running, running 10 min warm-up, rolling 30 min, rank, running z-score,"
            + " running + absolute; 120 and 180 s), chosen per outer fold by inner LOPO mean BA"
            + " over the other participants");
    Set<String> participants = new TreeSet<>();
    raws.forEach(r -> participants.add(r.participant()));
    Map<String, BinaryMetrics> outer = new TreeMap<>();
    Map<String, String> chosen = new TreeMap<>();
    for (String held : participants) {
      Recipe best = null;
      double bestBa = -1;
      for (Recipe r : nestedCandidates()) {
        double ba = spread(lopo(raws, r, Set.of(held), trainer), false).mean();
        if (ba > bestBa) {
          bestBa = ba;
          best = r;
        }
      }
      List<HrvWindows.Window> ws =
          build(raws, best, populationMean(raws, best.windowSeconds(), Set.of(held)));
      List<HrvWindows.Window> train = new ArrayList<>();
      List<HrvWindows.Window> test = new ArrayList<>();
      for (HrvWindows.Window w : ws) {
        (w.participant().equals(held) ? test : train).add(w);
      }
      if (!test.isEmpty()) {
        outer.put(held, score(trainer.fit(train), test));
        chosen.put(held, best.windowSeconds() + " s " + best.name());
      }
      out.printf(
          Locale.ROOT,
          "%s: %s (inner %.3f) -> BA %.3f%n",
          held,
          chosen.get(held),
          bestBa,
          outer.containsKey(held) ? outer.get(held).balancedAccuracy() : Double.NaN);
    }
    Spread ba = spread(outer, false);
    Spread auc = spread(outer, true);
    out.printf(
        Locale.ROOT,
        "nested: BA mean %.3f min %.3f median %.3f max %.3f worst quartile %.3f (%s); AUC mean %.3f"
            + " worst quartile %.3f%n",
        ba.mean(),
        ba.min(),
        ba.median(),
        ba.max(),
        ba.worstQuartile(),
        ba.worst(),
        auc.mean(),
        auc.worstQuartile());
  }

  /**
   * What {@code stress_share} can say: out-of-fold outputs of the shipped recipe (180 s, running
   * baseline), per participant the share of rest windows called stress and of stress windows called
   * stress, their spread, the heart rate relative to the session mean in each class, and the {@code
   * stress_share} of groups of {@code k = 5} participants who are all at rest or all under stress
   * (one random window each, 10 000 seeded draws).
   */
  static void interpret(List<Raw> raws, String recipe, PrintStream out) {
    LogisticTrainer trainer = new LogisticTrainer(0.01);
    Recipe shipped =
        recipes().stream()
            .filter(r -> r.windowSeconds() == 180 && r.name().equals(recipe))
            .findFirst()
            .orElseThrow();
    List<HrvWindows.Window> all = build(raws, shipped, new double[4]);
    Set<String> participants = new TreeSet<>();
    all.forEach(w -> participants.add(w.participant()));
    Map<String, List<Boolean>> restCalls = new TreeMap<>();
    Map<String, List<Boolean>> stressCalls = new TreeMap<>();
    Map<String, double[]> relHr = new TreeMap<>();
    Map<String, Long> firstEnd = new TreeMap<>();
    for (Raw r : raws) {
      if (r.windowSeconds() == shipped.windowSeconds()) {
        firstEnd.merge(r.participant(), r.endMs(), Math::min);
      }
    }
    long[] ageEdgesMin = {0, 10, 20, 40, Long.MAX_VALUE};
    List<List<Double>> ageScores = new ArrayList<>();
    List<List<Integer>> ageLabels = new ArrayList<>();
    for (int i = 0; i + 1 < ageEdgesMin.length; i++) {
      ageScores.add(new ArrayList<>());
      ageLabels.add(new ArrayList<>());
    }
    for (String held : participants) {
      List<HrvWindows.Window> train = new ArrayList<>();
      List<HrvWindows.Window> test = new ArrayList<>();
      for (HrvWindows.Window w : all) {
        (w.participant().equals(held) ? test : train).add(w);
      }
      LogisticModel m = trainer.fit(train);
      double[] hr = new double[4];
      for (HrvWindows.Window w : test) {
        double p = m.probability(w.features());
        boolean called = p >= 0.5;
        long ageMin = (w.windowEndMs() - firstEnd.get(held)) / 60_000L;
        for (int i = 0; i + 1 < ageEdgesMin.length; i++) {
          if (ageMin >= ageEdgesMin[i] && ageMin < ageEdgesMin[i + 1]) {
            ageScores.get(i).add(p);
            ageLabels.get(i).add(w.label());
          }
        }
        (w.label() == 1 ? stressCalls : restCalls)
            .computeIfAbsent(held, k -> new ArrayList<>())
            .add(called);
        hr[w.label() * 2] += w.features()[0];
        hr[w.label() * 2 + 1]++;
      }
      relHr.put(held, hr);
    }
    out.printf(
        "Out-of-fold calls of the shipped recipe (%s, %d s)%n%n",
        shipped.name(), shipped.windowSeconds());
    out.println(
        "| participant | rest windows | called stress at rest | stress windows | called stress"
            + " under stress | rel. ln HR rest | rel. ln HR stress |");
    out.println("|---|---:|---:|---:|---:|---:|---:|");
    List<Double> fpr = new ArrayList<>();
    List<Double> tpr = new ArrayList<>();
    Map<String, Double> fprBy = new TreeMap<>();
    Map<String, Double> tprBy = new TreeMap<>();
    for (String p : participants) {
      List<Boolean> r = restCalls.getOrDefault(p, List.of());
      List<Boolean> st = stressCalls.getOrDefault(p, List.of());
      double f = share(r);
      double t = share(st);
      if (!r.isEmpty()) {
        fpr.add(f);
        fprBy.put(p, f);
      }
      if (!st.isEmpty()) {
        tpr.add(t);
        tprBy.put(p, t);
      }
      double[] hr = relHr.get(p);
      out.printf(
          Locale.ROOT,
          "| %s | %d | %.3f | %d | %.3f | %+.3f | %+.3f |%n",
          p,
          r.size(),
          f,
          st.size(),
          t,
          hr[1] == 0 ? Double.NaN : hr[0] / hr[1],
          hr[3] == 0 ? Double.NaN : hr[2] / hr[3]);
    }
    out.println();
    out.println(
        "share of rest windows called stress, per participant: "
            + org.affectgate.models.eval.Spread.of(fpr));
    out.println(
        "share of stress windows called stress, per participant: "
            + org.affectgate.models.eval.Spread.of(tpr));
    out.println();
    out.println(
        "By time since the participant's first 180 s window (the running baseline's age), pooled:");
    for (int i = 0; i + 1 < ageEdgesMin.length; i++) {
      double[] sc = ageScores.get(i).stream().mapToDouble(Double::doubleValue).toArray();
      int[] la = ageLabels.get(i).stream().mapToInt(Integer::intValue).toArray();
      BinaryMetrics b = BinaryMetrics.of(sc, la, 0.5);
      int rest = b.n() - b.positives();
      long restCalled = 0;
      for (int j = 0; j < sc.length; j++) {
        restCalled += la[j] == 0 && sc[j] >= 0.5 ? 1 : 0;
      }
      out.printf(
          Locale.ROOT,
          "  %s min: %d windows (%d stress), balanced accuracy %.3f, ROC AUC %.3f, rest windows"
              + " called stress %.3f%n",
          ageEdgesMin[i + 1] == Long.MAX_VALUE
              ? ageEdgesMin[i] + "+"
              : ageEdgesMin[i] + "-" + ageEdgesMin[i + 1],
          b.n(),
          b.positives(),
          b.balancedAccuracy(),
          b.rocAuc(),
          rest == 0 ? Double.NaN : restCalled / (double) rest);
    }
    java.util.Random rnd = new java.util.Random(15);
    for (int label = 0; label <= 1; label++) {
      Map<String, List<Boolean>> calls = label == 0 ? restCalls : stressCalls;
      List<String> ids = new ArrayList<>(calls.keySet());
      double[] shares = new double[10_000];
      for (int d = 0; d < shares.length; d++) {
        List<String> pool = new ArrayList<>(ids);
        java.util.Collections.shuffle(pool, rnd);
        int stressed = 0;
        for (String id : pool.subList(0, 5)) {
          List<Boolean> c = calls.get(id);
          stressed += c.get(rnd.nextInt(c.size())) ? 1 : 0;
        }
        shares[d] = stressed / 5.0;
      }
      Arrays.sort(shares);
      double mean = Arrays.stream(shares).average().orElse(Double.NaN);
      out.printf(
          Locale.ROOT,
          "groups of 5 different participants, all %s: stress_share mean %.3f, 5th-95th"
              + " percentile %.1f-%.1f, share of draws reading >= 0.6: %.3f%n",
          label == 0 ? "at rest" : "under stress",
          mean,
          shares[shares.length / 20],
          shares[shares.length - 1 - shares.length / 20],
          Arrays.stream(shares).filter(x -> x >= 0.6).count() / (double) shares.length);
    }
  }

  private static double share(List<Boolean> calls) {
    return calls.isEmpty()
        ? Double.NaN
        : calls.stream().filter(Boolean::booleanValue).count() / (double) calls.size();
  }
}
