package org.affectgate.agent.voice;

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
 * second of audio); and the time of pitch tracking alone against Praat's {@code To Pitch} on the
 * same files (Praat run as a process per file; its start-up, measured on an empty script, is
 * subtracted). Not a test. Run: {@code mvn -pl edge-agent -am test-compile} then {@code java -cp
 * <test classpath> org.affectgate.agent.voice.VoiceBenchmark [rounds]}.
 */
public final class VoiceBenchmark {
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
        long t0 = System.nanoTime();
        int segments = 0;
        for (int r = 0; r < rounds; r++) {
          for (WavFixtures.Wav w : wavs) {
            segments += pipeline(w, model);
          }
        }
        double cpu = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "voice path (resample+frames+VAD+features+inference), 1 thread: %.1f s audio in %.3f s,"
                + " real-time factor %.5f, %d segments%n",
            audioSeconds * rounds,
            cpu,
            cpu / (audioSeconds * rounds),
            segments);
      }
    }
    double ours = Double.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      for (int r = 0; r < rounds; r++) {
        for (WavFixtures.Wav w : wavs) {
          new FrameAnalyzer().push(new StreamResampler(w.rateHz()).process(w.samples()));
        }
      }
      ours = Math.min(ours, (System.nanoTime() - t0) / 1e9 / rounds);
    }
    double praat = praatSeconds(wavs, tmp);
    System.out.printf(
        Locale.ROOT,
        "pitch tracking over %d files (%.1f s audio): agent frame analysis %.4f s (pitch, level,"
            + " MFCC, spectrum), Praat To Pitch + To Intensity %.4f s (process start-up"
            + " subtracted); ratio agent/Praat %.2f%n",
        wavs.size(),
        audioSeconds,
        ours,
        praat,
        ours / praat);
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

  private static double praatSeconds(List<WavFixtures.Wav> wavs, Path tmp) throws Exception {
    Path empty = tmp.resolve("empty.praat");
    Files.writeString(empty, "form x\n  sentence wav\n  sentence out\n  real p 150\nendform\n");
    Path script = WavFixtures.dir().resolve("praat-analyse.praat");
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      double total = 0;
      for (WavFixtures.Wav w : wavs) {
        total += run(script, w.path(), tmp) - run(empty, w.path(), tmp);
      }
      best = Math.min(best, total);
    }
    return best;
  }

  private static double run(Path script, Path wav, Path tmp) throws Exception {
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(
                "praat",
                "--run",
                script.toString(),
                wav.toString(),
                tmp.resolve("o.txt").toString(),
                "150")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    p.waitFor(60, TimeUnit.SECONDS);
    return (System.nanoTime() - t0) / 1e9;
  }
}
