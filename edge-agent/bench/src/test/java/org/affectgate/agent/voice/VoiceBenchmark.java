package org.affectgate.agent.voice;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.affectgate.features.voice.Frame;
import org.affectgate.features.voice.FrameAnalyzer;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.features.voice.SegmenterConfig;
import org.affectgate.features.voice.StreamResampler;
import org.affectgate.features.voice.UtteranceSegmenter;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.features.voice.VoiceFeatureSpec;
import org.affectgate.features.voice.VoiceFeatures;
import org.affectgate.features.voice.WavFixtures;

/**
 * Prints the cost of the voice path on one thread over the bundled fixtures: resampling, frame
 * analysis, segmentation, voice features and inference (the test ONNX model of {@link
 * TinyVoiceModel}, same I/O as {@code voice-emotion}), as a real-time factor (CPU seconds per
 * second of audio, and wall time beside it); and frame analysis alone against Praat's {@code To
 * Pitch} and {@code To Intensity} on the same files, like with like: each side reads the WAV file,
 * computes its per-frame values and reads every frame's value back, and neither writes output
 * (Praat runs as one process over all files, {@code rounds} times; its start-up, measured on a
 * script that only declares the same form, is subtracted). Figures are per pass over the files. CPU
 * time is the thread's ({@link ThreadMXBean}) for the agent and the process's user + system time
 * for Praat (from {@code /usr/bin/time}, when installed); wall time is reported separately. The
 * agent side still computes more per frame (MFCC and spectrum besides pitch and level). Not a test;
 * the run command is in the README's "Longer runs".
 */
public final class VoiceBenchmark {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private VoiceBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    List<WavFixtures.Wav> wavs = new ArrayList<>();
    double audioSeconds = 0;
    for (Path p : WavFixtures.all()) {
      WavFixtures.Wav w = WavFixtures.read(p);
      wavs.add(w);
      audioSeconds += w.seconds();
    }
    Path tmp = Files.createTempDirectory("voice-bench");
    Path manifest = TinyVoiceModel.write(tmp, VoiceFeatureSpec.ID);
    try (OnnxVoiceEmotionModel model =
        OnnxVoiceEmotionModel.load(
            org.affectgate.models.ModelRegistry.open(
                org.affectgate.models.ModelRuntimeConfig.of(manifest)))) {
      for (int round = 0; round < 3; round++) {
        long c0 = CPU.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        int segments = 0;
        for (int r = 0; r < rounds; r++) {
          for (WavFixtures.Wav w : wavs) {
            segments += pipeline(w, model);
          }
        }
        double cpu = (CPU.getCurrentThreadCpuTime() - c0) / 1e9;
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "voice path (resample+frames+VAD+features+inference), 1 thread: %.1f s audio,"
                + " CPU %.3f s (real-time factor %.5f), wall %.3f s, %d segments%n",
            audioSeconds * rounds,
            cpu,
            cpu / (audioSeconds * rounds),
            wall,
            segments);
      }
    }
    double[] ours = {Double.MAX_VALUE, Double.MAX_VALUE};
    for (int round = 0; round < 3; round++) {
      long c0 = CPU.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      double sink = 0;
      for (int r = 0; r < rounds; r++) {
        for (WavFixtures.Wav w : wavs) {
          sink += analyseFile(w.path());
        }
      }
      ours[0] = Math.min(ours[0], (CPU.getCurrentThreadCpuTime() - c0) / 1e9 / rounds);
      ours[1] = Math.min(ours[1], (System.nanoTime() - t0) / 1e9 / rounds);
      if (Double.isNaN(sink)) {
        System.out.println("(no frames)");
      }
    }
    double[] praat = praatSeconds(rounds, tmp);
    System.out.printf(
        Locale.ROOT,
        "frame analysis over %d files (%.1f s audio), read file + per-frame values, no output:%n"
            + "  agent (resample, pitch, level, MFCC, spectrum): CPU %.4f s, wall %.4f s%n"
            + "  Praat (To Pitch + To Intensity, one process, start-up subtracted): CPU %s s, wall %.4f s%n"
            + "  ratio agent/Praat: CPU %s, wall %.2f%n",
        wavs.size(),
        audioSeconds,
        ours[0],
        ours[1],
        Double.isNaN(praat[0]) ? "n/a" : String.format(Locale.ROOT, "%.4f", praat[0]),
        praat[1],
        Double.isNaN(praat[0]) ? "n/a" : String.format(Locale.ROOT, "%.2f", ours[0] / praat[0]),
        ours[1] / praat[1]);
  }

  /**
   * Reads one WAV file and analyses every frame, reading each frame's pitch and level back (as the
   * Praat script reads each frame's values); returns their sum so the work is kept.
   */
  private static double analyseFile(Path wav) throws Exception {
    WavFixtures.Wav w = WavFixtures.read(wav);
    double sum = 0;
    for (Frame f : new FrameAnalyzer().push(new StreamResampler(w.rateHz()).process(w.samples()))) {
      sum += (f.voiced() ? f.f0Hz() : 0) + f.levelDb();
    }
    return sum;
  }

  private static int pipeline(WavFixtures.Wav w, VoiceEmotionModel model) throws Exception {
    StreamResampler resampler = new StreamResampler(w.rateHz());
    FrameAnalyzer analyzer = new FrameAnalyzer();
    UtteranceSegmenter segmenter = new UtteranceSegmenter(SegmenterConfig.DEFAULTS);
    List<List<Frame>> closed = new ArrayList<>();
    int chunk = w.rateHz() / 10;
    float[] x = w.samples();
    for (int from = 0; from < x.length; from += chunk) {
      float[] part = java.util.Arrays.copyOfRange(x, from, Math.min(x.length, from + chunk));
      for (Frame f : analyzer.push(resampler.process(part))) {
        closed.addAll(segmenter.push(f));
      }
    }
    closed.addAll(segmenter.flush());
    int n = 0;
    for (List<Frame> frames : closed) {
      var v = VoiceFeatures.summarise(frames);
      if (v.isPresent()) {
        model.estimate(v.get());
        n++;
      }
    }
    return n;
  }

  /**
   * Praat's analysis of every WAV in a directory, {@code rounds} times, without writing: read, To
   * Pitch, To Intensity, every frame's value read.
   */
  private static final String PRAAT_SCRIPT =
      """
      form Analyse
        sentence dir
        integer rounds 1
        real intensityMinPitch 100
      endform
      files = Create Strings as file list: "files", dir$ + "/*.wav"
      nfiles = Get number of strings
      sum = 0
      for r to rounds
        for k to nfiles
          selectObject: files
          name$ = Get string: k
          sound = Read from file: dir$ + "/" + name$
          pitch = To Pitch: 0.01, 75, 600
          n = Get number of frames
          for i to n
            f = Get value in frame: i, "Hertz"
            if f <> undefined
              sum = sum + f
            endif
          endfor
          selectObject: sound
          intensity = To Intensity: intensityMinPitch, 0.01, "no"
          m = Get number of frames
          for i to m
            v = Get value in frame: i
            if v <> undefined
              sum = sum + v
            endif
          endfor
          removeObject: sound, pitch, intensity
        endfor
      endfor
      """;

  private static final String PRAAT_EMPTY =
      """
      form Analyse
        sentence dir
        integer rounds 1
        real intensityMinPitch 100
      endform
      """;

  private static final Path TIME = Path.of("/usr/bin/time");

  /**
   * Best of three runs of one Praat process over all fixtures {@code rounds} times, less a start-up
   * run, per round: {CPU seconds (NaN without /usr/bin/time), wall seconds}.
   */
  private static double[] praatSeconds(int rounds, Path tmp) throws Exception {
    Path script = Files.writeString(tmp.resolve("analyse-no-output.praat"), PRAAT_SCRIPT);
    Path empty = Files.writeString(tmp.resolve("empty.praat"), PRAAT_EMPTY);
    double bestCpu = Double.MAX_VALUE;
    double bestWall = Double.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      double[] full = run(script, rounds, tmp);
      double[] startUp = run(empty, rounds, tmp);
      bestCpu = Math.min(bestCpu, (full[0] - startUp[0]) / rounds);
      bestWall = Math.min(bestWall, (full[1] - startUp[1]) / rounds);
    }
    return new double[] {Files.isExecutable(TIME) ? bestCpu : Double.NaN, bestWall};
  }

  /** One Praat process: {user + system CPU seconds (0 without /usr/bin/time), wall seconds}. */
  private static double[] run(Path script, int rounds, Path tmp) throws Exception {
    Path times = tmp.resolve("time.txt");
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(TIME)) {
      cmd.addAll(List.of(TIME.toString(), "-f", "%U %S", "-o", times.toString()));
    }
    cmd.addAll(
        List.of(
            "praat",
            "--run",
            script.toString(),
            WavFixtures.dir().toString(),
            Integer.toString(rounds),
            "100"));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("praat failed: " + out);
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = 0;
    if (Files.isExecutable(TIME)) {
      String[] us = Files.readString(times).trim().split("\\s+");
      cpu = Double.parseDouble(us[us.length - 2]) + Double.parseDouble(us[us.length - 1]);
    }
    return new double[] {cpu, wall};
  }
}
