package org.affectgate.agent.voice;

import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.device.kiosk.audio.AudioChunk;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.features.voice.VoiceEstimate;
import org.affectgate.features.voice.WavFixtures;

/** Shared helpers for voice tests: chunking fixtures, a settable clock, a counting fake model. */
final class VoiceTesting {
  private VoiceTesting() {}

  /** A clock the test moves by hand. */
  static final class TestClock implements InstantSource {
    final AtomicLong ms;

    TestClock(long startMs) {
      ms = new AtomicLong(startMs);
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(ms.get());
    }

    void advance(long by) {
      ms.addAndGet(by);
    }
  }

  /** Returns a fixed estimate and counts calls. */
  static final class CountingModel implements VoiceEmotionModel {
    final AtomicInteger calls = new AtomicInteger();
    final List<float[]> inputs = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public VoiceEstimate estimate(float[] features) {
      calls.incrementAndGet();
      inputs.add(features.clone());
      return VoiceEstimate.of(new float[] {0.4f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f});
    }
  }

  /** Cuts mono samples into chunks of {@code chunkMs}; the first is not continuous. */
  static List<AudioChunk> chunks(
      String site,
      String kiosk,
      float[] samples,
      int rate,
      long startMs,
      long firstSeq,
      int chunkMs) {
    int n = rate * chunkMs / 1000;
    List<AudioChunk> out = new ArrayList<>();
    long seq = firstSeq;
    for (int from = 0; from < samples.length; from += n) {
      float[] part = Arrays.copyOfRange(samples, from, Math.min(samples.length, from + n));
      long t = startMs + Math.round(from * 1000.0 / rate);
      out.add(new AudioChunk(site, kiosk, seq++, t, rate, 1, part, from > 0));
    }
    return out;
  }

  static WavFixtures.Wav fixture(String name) throws IOException {
    return WavFixtures.read(WavFixtures.dir().resolve(name));
  }

  static List<String> emodbFixtures() throws IOException {
    return WavFixtures.all().stream()
        .map(p -> p.getFileName().toString())
        .filter(n -> n.startsWith("emodb-"))
        .toList();
  }
}
