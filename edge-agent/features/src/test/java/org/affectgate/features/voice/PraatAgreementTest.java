package org.affectgate.features.voice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Validates the frame analyser against Praat 6 (Debian package {@code praat}, run headless with
 * {@code praat --run}) on every bundled fixture: F0 of the frames both call voiced (median absolute
 * relative error ≤ 2 %), voicing agreement (≥ 90 % of frames), and level against Praat's {@code To
 * Intensity} (Pearson correlation ≥ 0.95). Praat runs on the original WAV at its own rate; the
 * agent's path resamples to 16 kHz first, exactly as for MQTT audio.
 */
class PraatAgreementTest {
  @TempDir static Path tmp;
  private static final List<Result> results = new ArrayList<>();

  record PraatTrack(double[] pitchT, double[] pitchHz, double[] intT, double[] intDb) {}

  record Result(
      String name,
      int bothVoiced,
      double medianRelError,
      double voicingAgreement,
      int comparedFrames,
      double intensityCorrelation) {}

  @BeforeAll
  static void analyseAll() throws Exception {
    for (Path p : WavFixtures.all()) {
      results.add(compare(WavFixtures.read(p)));
    }
  }

  static PraatTrack runPraat(Path wav, Path out) throws IOException, InterruptedException {
    return runPraat(wav, out, INTENSITY_MIN_PITCH);
  }

  static final int INTENSITY_MIN_PITCH = 150;

  static PraatTrack runPraat(Path wav, Path out, int intensityMinPitch)
      throws IOException, InterruptedException {
    Path script = WavFixtures.dir().resolve("praat-analyse.praat");
    Process proc =
        new ProcessBuilder(
                "praat",
                "--run",
                script.toString(),
                wav.toAbsolutePath().toString(),
                out.toString(),
                Integer.toString(intensityMinPitch))
            .redirectErrorStream(true)
            .start();
    byte[] log = proc.getInputStream().readAllBytes();
    if (!proc.waitFor(60, TimeUnit.SECONDS) || proc.exitValue() != 0) {
      throw new IllegalStateException("praat failed: " + new String(log));
    }
    List<double[]> pitch = new ArrayList<>();
    List<double[]> intensity = new ArrayList<>();
    for (String line : Files.readAllLines(out)) {
      String[] f = line.trim().split("\\s+");
      if (f[0].equals("P")) {
        pitch.add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])});
      } else if (f[0].equals("I")) {
        intensity.add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])});
      }
    }
    return new PraatTrack(
        pitch.stream().mapToDouble(a -> a[0]).toArray(),
        pitch.stream().mapToDouble(a -> a[1]).toArray(),
        intensity.stream().mapToDouble(a -> a[0]).toArray(),
        intensity.stream().mapToDouble(a -> a[1]).toArray());
  }

  static List<Frame> analyse(WavFixtures.Wav wav) {
    return analyse(wav, new FrameAnalyzer());
  }

  static List<Frame> analyse(WavFixtures.Wav wav, FrameAnalyzer analyzer) {
    StreamResampler resampler = new StreamResampler(wav.rateHz());
    return analyzer.push(resampler.process(wav.samples()));
  }

  private static Result compare(WavFixtures.Wav wav) throws Exception {
    return compare(wav, runPraat(wav.path(), tmp.resolve(wav.name() + ".txt")), analyse(wav));
  }

  static Result compare(WavFixtures.Wav wav, PraatTrack praat, List<Frame> frames) {
    List<Double> relErrors = new ArrayList<>();
    int compared = 0;
    int agree = 0;
    List<double[]> levels = new ArrayList<>();
    for (Frame f : frames) {
      double t = f.timeSeconds();
      int nearest = nearest(praat.pitchT(), t);
      if (nearest < 0 || Math.abs(praat.pitchT()[nearest] - t) > 0.0051) {
        continue;
      }
      boolean praatVoiced = praat.pitchHz()[nearest] > 0;
      compared++;
      if (praatVoiced == f.voiced()) {
        agree++;
      }
      if (praatVoiced && f.voiced()) {
        double ref = interpolate(praat.pitchT(), praat.pitchHz(), t, nearest);
        relErrors.add(Math.abs(f.f0Hz() - ref) / ref);
      }
      int ni = nearest(praat.intT(), t);
      // digital silence (padding) is -300 dB in Praat and the floor here: not a level to compare
      if (ni >= 0
          && Math.abs(praat.intT()[ni] - t) <= 0.0051
          && praat.intDb()[ni] > -299
          && f.levelDb() > FrameAnalyzer.FLOOR_DB) {
        levels.add(new double[] {f.levelDb(), interpolate(praat.intT(), praat.intDb(), t, ni)});
      }
    }
    double[] errs = relErrors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = errs.length == 0 ? Double.NaN : errs[errs.length / 2];
    return new Result(
        wav.name(),
        errs.length,
        median,
        compared == 0 ? 0 : agree / (double) compared,
        compared,
        pearson(levels));
  }

  private static int nearest(double[] times, double t) {
    int best = -1;
    double bestD = Double.MAX_VALUE;
    for (int i = 0; i < times.length; i++) {
      double d = Math.abs(times[i] - t);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  /** Linear interpolation between the bracketing frames when both are positive, else nearest. */
  private static double interpolate(double[] t, double[] v, double at, int nearest) {
    int lo = t[nearest] <= at ? nearest : nearest - 1;
    int hi = lo + 1;
    if (lo < 0 || hi >= t.length || v[lo] <= 0 || v[hi] <= 0) {
      return v[nearest];
    }
    double w = (at - t[lo]) / (t[hi] - t[lo]);
    return v[lo] + w * (v[hi] - v[lo]);
  }

  private static double pearson(List<double[]> pairs) {
    int n = pairs.size();
    double mx = 0;
    double my = 0;
    for (double[] p : pairs) {
      mx += p[0];
      my += p[1];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (double[] p : pairs) {
      sxy += (p[0] - mx) * (p[1] - my);
      sxx += (p[0] - mx) * (p[0] - mx);
      syy += (p[1] - my) * (p[1] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  @Test
  void fixtures_includeEmoDbAndEspeak() {
    assertThat(results).extracting(Result::name).anyMatch(n -> n.startsWith("emodb-"));
    assertThat(results).extracting(Result::name).anyMatch(n -> n.startsWith("espeak-"));
  }

  @Test
  void f0_bothVoiced_medianRelativeErrorAtMostTwoPercent() {
    for (Result r : results) {
      assertThat(r.bothVoiced()).as(r.name()).isGreaterThan(20);
      assertThat(r.medianRelError()).as(r.name()).isLessThanOrEqualTo(0.02);
    }
  }

  /**
   * Over all fixture frames together; single hard clips (shouted anger, fear) sit lower, so each
   * file is held to 85 %.
   */
  @Test
  void voicing_agreesWithPraatOnAtLeastNinetyPercentOfFrames() {
    double agreeing = 0;
    int total = 0;
    for (Result r : results) {
      assertThat(r.voicingAgreement()).as(r.name()).isGreaterThanOrEqualTo(0.85);
      agreeing += r.voicingAgreement() * r.comparedFrames();
      total += r.comparedFrames();
    }
    assertThat(agreeing / total).isGreaterThanOrEqualTo(0.90);
  }

  @Test
  void level_correlatesWithPraatIntensity() {
    for (Result r : results) {
      assertThat(r.intensityCorrelation()).as(r.name()).isGreaterThanOrEqualTo(0.95);
    }
  }
}
