package org.affectgate.bench.jmh;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.affectgate.features.voice.AnalysisFormat;
import org.affectgate.features.voice.Frame;
import org.affectgate.features.voice.FrameAnalyzer;
import org.affectgate.features.voice.StreamResampler;
import org.affectgate.features.voice.WavFixtures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Frame analysis of the voice path per 10 ms of audio: {@link FrameAnalyzer#push} of one hop
 * ({@value AnalysisFormat#HOP} samples at 16 kHz), which yields one frame's pitch (YIN), level,
 * MFCC and spectrum descriptors. The audio is the bundled EmoDB fixtures, resampled to 16 kHz once
 * in set-up and replayed in a loop, so the analyser sees speech and pauses as in the agent. The
 * score is microseconds of wall time per 10 ms frame on one thread (JMH {@code AverageTime}: close
 * to CPU time only on an otherwise idle machine); divided by 10 000 it is the real-time factor of
 * frame analysis alone. The whole voice path (segmentation, features, inference) and the comparison
 * with Praat, CPU and wall apart, are {@code VoiceBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class VoiceFrameBenchmark {
  private float[] audio;
  private int offset;
  private FrameAnalyzer analyzer;

  @Setup
  public void setUp() throws IOException {
    float[] all = new float[0];
    for (var path : WavFixtures.all()) {
      WavFixtures.Wav w = WavFixtures.read(path);
      float[] x = new StreamResampler(w.rateHz()).process(w.samples());
      float[] joined = Arrays.copyOf(all, all.length + x.length);
      System.arraycopy(x, 0, joined, all.length, x.length);
      all = joined;
    }
    audio = Arrays.copyOf(all, all.length - all.length % AnalysisFormat.HOP);
    analyzer = new FrameAnalyzer();
    offset = 0;
  }

  /** Returns the frames completed by this hop (one, once the first frame has filled). */
  @Benchmark
  public List<Frame> tenMilliseconds() {
    float[] hop = Arrays.copyOfRange(audio, offset, offset + AnalysisFormat.HOP);
    offset = (offset + AnalysisFormat.HOP) % audio.length;
    return analyzer.push(hop);
  }
}
