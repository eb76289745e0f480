package org.affectgate.models.kiosk;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.affectgate.features.fusion.EpisodeConfig;
import org.affectgate.features.fusion.FusionConfig;
import org.affectgate.features.voice.VoiceModelException;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.kiosk.SessionReplay.Outcome;
import org.affectgate.models.kiosk.SessionReplay.VoiceSource;

/**
 * {@code models eval kiosk-loop}: the early warning and the fused state on scripted sessions built
 * from the development data (EmoDB speakers, faces-eval images; there is no labelled multimodal
 * kiosk data). Runs the fusion API with its documented defaults, which were fixed by reasoning
 * before this evaluation existed and are not tuned on it. Prints, for each voice source (the
 * shipped model, whose training data EmoDB is, and the shipped recipe trained leave-one-speaker-out
 * on the other speakers), the warning figures and the paired-sample accuracies ({@link
 * PairedAccuracy}), overall, per speaker (min-max) and per seed (min-max).
 */
public final class KioskLoopEval {
  /** The name of the evaluation on the command line. */
  public static final String NAME = "kiosk-loop";

  /**
   * Which half of the development data sessions are built from: the split of {@link
   * org.affectgate.models.eval.SeededSplit} with seed {@value
   * org.affectgate.models.eval.SeededSplit#SEED} over EmoDB speakers and over faces-eval persons,
   * the same split the calibration temperatures were fitted on ({@code FIT}) and measured on
   * ({@code REST}). Design revisions are chosen on {@code FIT}; figures are reported on {@code
   * REST}.
   */
  public enum Part {
    FIT,
    REST,
    ALL
  }

  private KioskLoopEval() {}

  /**
   * @param seeds one run of every session kind per seed
   * @param sessionsPerSpeaker sessions of each kind per speaker and seed
   * @return the report text
   */
  public static String run(
      Path manifest,
      Path voiceDir,
      Path faceDir,
      List<Long> seeds,
      int sessionsPerSpeaker,
      Part part)
      throws IOException, ModelLoadException, VoiceModelException {
    KioskLoopData all = KioskLoopData.load(manifest, voiceDir, faceDir);
    String partText = "all speakers and persons";
    KioskLoopData data = all;
    if (part != Part.ALL) {
      org.affectgate.models.eval.SeededSplit bySpeaker =
          org.affectgate.models.eval.SeededSplit.of(
              all.clips.stream().map(KioskLoopData.Clip::speaker).toList(),
              org.affectgate.models.eval.SeededSplit.SEED);
      org.affectgate.models.eval.SeededSplit byPerson =
          org.affectgate.models.eval.SeededSplit.of(
              all.images.stream()
                  .map(i -> org.affectgate.models.eval.FaceShippedEval.person(i.file()))
                  .toList(),
              org.affectgate.models.eval.SeededSplit.SEED);
      List<String> sp = part == Part.FIT ? bySpeaker.fit() : bySpeaker.rest();
      List<String> pe = part == Part.FIT ? byPerson.fit() : byPerson.rest();
      data = all.restrictTo(java.util.Set.copyOf(sp), java.util.Set.copyOf(pe));
      partText =
          String.format(
              Locale.ROOT,
              "%s half of the seeded split (seed %d, as the calibration): speakers %s, %d of %d"
                  + " persons",
              part == Part.FIT ? "FIT (development)" : "REST (reporting)",
              org.affectgate.models.eval.SeededSplit.SEED,
              sp,
              pe.size(),
              byPerson.fit().size() + byPerson.rest().size());
    }
    FusionConfig fusion = FusionConfig.defaults();
    EpisodeConfig episode = EpisodeConfig.defaults();
    List<String> speakers =
        new ArrayList<>(
            new TreeSet<>(data.clips.stream().map(KioskLoopData.Clip::speaker).toList()));
    ScriptedSession.Pools pools = new ScriptedSession.Pools(data);
    List<ScriptedSession> sessions = new ArrayList<>();
    List<Long> sessionSeeds = new ArrayList<>();
    for (long seed : seeds) {
      Random random = new Random(seed);
      for (String speaker : speakers) {
        for (ScriptedSession.Kind kind : ScriptedSession.Kind.values()) {
          for (int i = 0; i < sessionsPerSpeaker; i++) {
            sessions.add(ScriptedSession.draw(kind, speaker, pools, random));
            sessionSeeds.add(seed);
          }
        }
      }
    }
    StringBuilder b = new StringBuilder();
    long faces = data.images.stream().filter(i -> !i.boxes().isEmpty()).count();
    b.append(
        String.format(
            Locale.ROOT,
            "kiosk-loop on %s and %s: SCRIPTED sessions built from the development data (EmoDB"
                + " speakers' 2 s clips, faces-eval images; not kiosk recordings), through the"
                + " shipped models on the agent's paths with the manifest's calibration%n"
                + "part: %s%n"
                + "%d clips of %d speakers, %d images (%d with a face; %d of the folder's images"
                + " rejected by the frame decoder); seeds %s, %d sessions of each kind per speaker and seed; fusion and"
                + " episode defaults (%s; %s), not tuned on these sessions%n"
                + "out-of-fold voice: the shipped recipe (%s) trained without the session's speaker,"
                + " then the manifest's temperature%n%n",
            voiceDir,
            faceDir,
            partText,
            data.clips.size(),
            speakers.size(),
            data.images.size(),
            faces,
            data.undecodableImages,
            seeds,
            sessionsPerSpeaker,
            fusion,
            episode,
            data.voiceRecipe));
    for (VoiceSource source : VoiceSource.values()) {
      List<Outcome> outcomes = new ArrayList<>();
      for (ScriptedSession s : sessions) {
        outcomes.add(SessionReplay.replay(s, source, fusion, episode));
      }
      b.append("## Voice: ")
          .append(
              source == VoiceSource.SHIPPED
                  ? "shipped model (EmoDB is its training data: optimistic)"
                  : "out-of-fold (speaker not in training)")
          .append("\n\n");
      b.append(warningTable(outcomes, sessionSeeds, speakers, seeds));
      b.append('\n');
      b.append(PairedAccuracy.run(data, source, fusion, episode, seeds).toText(speakers));
      b.append('\n');
      if (part == Part.FIT) {
        b.append(warnHoldSweep(sessions, source, fusion, episode));
        b.append('\n');
      }
    }
    return b.toString();
  }

  /** The warning figures for several hold times (FIT part only: the default is chosen here). */
  private static String warnHoldSweep(
      List<ScriptedSession> sessions, VoiceSource source, FusionConfig fusion, EpisodeConfig ep) {
    StringBuilder b = new StringBuilder();
    b.append("FIT sweep of fusion.episode.warnHoldSeconds (other settings at their defaults):\n\n");
    b.append(
        "| warn hold s | drift rule fired | drift miss rate | lead median s | lead p10 s |"
            + " control rising/h | control_isolated rising/h |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int hold : new int[] {0, 1, 2, 3, 4}) {
      EpisodeConfig e = ep.withWarnHold(java.time.Duration.ofSeconds(hold));
      List<Outcome> drift = new ArrayList<>();
      List<Outcome> ctl = new ArrayList<>();
      List<Outcome> iso = new ArrayList<>();
      for (ScriptedSession s : sessions) {
        Outcome o = SessionReplay.replay(s, source, fusion, e);
        switch (s.kind()) {
          case DRIFT -> drift.add(o);
          case CONTROL -> ctl.add(o);
          case CONTROL_ISOLATED -> iso.add(o);
        }
      }
      Figures d = Figures.of(drift);
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %s | %s | %s | %.1f | %.1f |%n",
              hold,
              d.fired,
              d.fired == 0 ? "-" : String.format(Locale.ROOT, "%.3f", d.missRate()),
              fmt(d.leadQuantile(0.5)),
              fmt(d.leadQuantile(0.1)),
              Figures.of(ctl).risingPerHour(),
              Figures.of(iso).risingPerHour()));
    }
    return b.toString();
  }

  private static String warningTable(
      List<Outcome> outcomes, List<Long> sessionSeeds, List<String> speakers, List<Long> seeds) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| sessions | n | rule fired | warned before it | miss rate | lead median s | lead p10 s |"
            + " rising per hour | episodes per hour |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ScriptedSession.Kind kind : ScriptedSession.Kind.values()) {
      b.append(
          row(
              "all " + kind.name().toLowerCase(Locale.ROOT),
              select(outcomes, o -> o.session().kind() == kind)));
    }
    b.append('\n');
    b.append("Spread (min-max) of per-speaker and per-seed figures:\n\n");
    b.append(
        "| over | drift miss rate | drift lead median s | drift lead p10 s | control rising/h |"
            + " control+isolated rising/h |\n");
    b.append("|---|---|---|---|---|---|\n");
    Map<String, Predicate<Integer>> groupsBySpeaker = new TreeMap<>();
    for (String sp : speakers) {
      groupsBySpeaker.put(sp, i -> outcomes.get(i).session().speaker().equals(sp));
    }
    Map<String, Predicate<Integer>> groupsBySeed = new TreeMap<>();
    for (long seed : seeds) {
      groupsBySeed.put(Long.toString(seed), i -> sessionSeeds.get(i) == seed);
    }
    b.append(spreadRow("speakers (" + speakers.size() + ")", outcomes, groupsBySpeaker));
    b.append(spreadRow("seeds (" + seeds.size() + ")", outcomes, groupsBySeed));
    return b.toString();
  }

  private static List<Outcome> select(List<Outcome> all, Predicate<Outcome> p) {
    return all.stream().filter(p).toList();
  }

  private static String row(String name, List<Outcome> os) {
    Figures f = Figures.of(os);
    return String.format(
        Locale.ROOT,
        "| %s | %d | %d | %d | %s | %s | %s | %.1f | %.1f |%n",
        name,
        os.size(),
        f.fired,
        f.warned,
        f.fired == 0 ? "-" : String.format(Locale.ROOT, "%.3f", f.missRate()),
        fmt(f.leadQuantile(0.5)),
        fmt(f.leadQuantile(0.1)),
        f.risingPerHour(),
        f.episodesPerHour());
  }

  private static String spreadRow(
      String over, List<Outcome> outcomes, Map<String, Predicate<Integer>> groups) {
    List<Double> miss = new ArrayList<>();
    List<Double> median = new ArrayList<>();
    List<Double> p10 = new ArrayList<>();
    List<Double> control = new ArrayList<>();
    List<Double> isolated = new ArrayList<>();
    for (Predicate<Integer> g : groups.values()) {
      List<Outcome> drift = new ArrayList<>();
      List<Outcome> ctl = new ArrayList<>();
      List<Outcome> iso = new ArrayList<>();
      for (int i = 0; i < outcomes.size(); i++) {
        if (!g.test(i)) {
          continue;
        }
        Outcome o = outcomes.get(i);
        switch (o.session().kind()) {
          case DRIFT -> drift.add(o);
          case CONTROL -> ctl.add(o);
          case CONTROL_ISOLATED -> iso.add(o);
        }
      }
      Figures d = Figures.of(drift);
      miss.add(d.fired == 0 ? Double.NaN : d.missRate());
      median.add(d.leadQuantile(0.5));
      p10.add(d.leadQuantile(0.1));
      control.add(Figures.of(ctl).risingPerHour());
      isolated.add(Figures.of(iso).risingPerHour());
    }
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s | %s |%n",
        over,
        range(miss, "%.3f"),
        range(median, "%.1f"),
        range(p10, "%.1f"),
        range(control, "%.1f"),
        range(isolated, "%.1f"));
  }

  static String range(List<Double> values, String format) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo > hi) {
      return "-";
    }
    return String.format(Locale.ROOT, format + "-" + format, lo, hi);
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "-";
  }

  /** Warning figures of a set of sessions. */
  private static final class Figures {
    int fired;
    int warned;
    final List<Double> leads = new ArrayList<>();
    int risings;
    int episodes;
    double hours;

    static Figures of(List<Outcome> os) {
      Figures f = new Figures();
      for (Outcome o : os) {
        f.hours += o.session().durationMs() / 3_600_000.0;
        f.risings += o.risings();
        f.episodes += o.episodes();
        if (o.episodeAtMs() >= 0) {
          f.fired++;
          if (o.warningLeadMs() >= 0) {
            f.warned++;
            f.leads.add(o.warningLeadMs() / 1000.0);
          }
        }
      }
      Collections.sort(f.leads);
      return f;
    }

    double missRate() {
      return 1 - (double) warned / fired;
    }

    /** Type-7 quantile of the lead times, NaN without any. */
    double leadQuantile(double q) {
      if (leads.isEmpty()) {
        return Double.NaN;
      }
      double h = (leads.size() - 1) * q;
      int lo = (int) Math.floor(h);
      int hi = Math.min(leads.size() - 1, lo + 1);
      return leads.get(lo) + (h - lo) * (leads.get(hi) - leads.get(lo));
    }

    double risingPerHour() {
      return hours == 0 ? Double.NaN : risings / hours;
    }

    double episodesPerHour() {
      return hours == 0 ? Double.NaN : episodes / hours;
    }
  }
}
