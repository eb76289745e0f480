package org.affectgate.agent.voice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.kiosk.audio.AudioChunk;
import org.affectgate.device.kiosk.audio.KioskAudioMqttSource;

/**
 * The per-kiosk {@link KioskStream}s (at most {@value #MAX_KIOSKS}; the least recently fed one is
 * dropped beyond that): a chunk in, the segments it closed out. Worker thread only; not
 * thread-safe.
 *
 * <p>Meters: {@code affectgate.voice.chunks.flagged{reason=CLIPPED|SILENT}} (processed, flagged),
 * {@code affectgate.voice.segments.discarded} (too short or too little voicing), {@code
 * affectgate.voice.purges}, and {@code NON_FINITE_AUDIO} rejections.
 */
final class KioskStreams {
  static final int MAX_KIOSKS = 1_000;
  static final double CLIP_LEVEL = 32_767 / 32_768.0;
  static final double CLIPPED_SHARE = 0.01;

  /** What one chunk closed, with the kiosk's stream (for its site and session). */
  record Fed(KioskStream stream, List<KioskStream.Closed> closed) {}

  private final VoiceConfig config;
  private final RejectionRecorder rejections;
  private final Map<String, KioskStream> streams =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, KioskStream> eldest) {
          return size() > MAX_KIOSKS;
        }
      };
  private final Counter clipped;
  private final Counter silent;
  private final Counter discarded;
  private final Counter purged;
  private long retiredDiscarded;
  private long discardedSeen;

  KioskStreams(VoiceConfig config, RejectionRecorder rejections, MeterRegistry registry) {
    this.config = config;
    this.rejections = rejections;
    this.clipped = registry.counter("affectgate.voice.chunks.flagged", "reason", "CLIPPED");
    this.silent = registry.counter("affectgate.voice.chunks.flagged", "reason", "SILENT");
    this.discarded = registry.counter("affectgate.voice.segments.discarded");
    this.purged = registry.counter("affectgate.voice.purges");
  }

  /**
   * Resamples and segments {@code c} in its kiosk's stream (restarted at a non-continuous chunk or
   * a new rate; ended at a non-finite sample, rejected as {@code NON_FINITE_AUDIO}).
   */
  Fed feed(AudioChunk c) {
    String key = c.site() + "/" + c.kioskId();
    KioskStream s =
        streams.computeIfAbsent(
            key,
            k ->
                new KioskStream(
                    c.site(), c.kioskId(), config.segmenter(), config.sessionGapSeconds() * 1000L));
    List<KioskStream.Closed> closed = new ArrayList<>();
    if (!c.continuous() || !s.accepts(c.sampleRateHz())) {
      closed.addAll(s.restart(c.sampleRateHz(), c.captureTimeMs()));
    }
    flag(c.samples());
    float[] resampled = s.resample(c.samples());
    if (!allFinite(resampled)) {
      rejections.reject(
          RejectReason.NON_FINITE_AUDIO,
          KioskAudioMqttSource.FORMAT,
          key,
          "non-finite sample after resampling; stretch ended");
      closed.addAll(s.end());
    } else {
      closed.addAll(s.analyse(resampled));
    }
    return new Fed(s, closed);
  }

  /** Discards the kiosk's stream (buffered audio, open segment), unanalysed. */
  void purge(String kioskKey) {
    KioskStream s = streams.remove(kioskKey);
    if (s != null) {
      retiredDiscarded += s.discardedSegments();
      purged.increment();
    }
  }

  /** The streams, least recently fed first (a copy). */
  List<KioskStream> all() {
    return new ArrayList<>(streams.values());
  }

  /** Adds the segments the segmenters discarded since the last call to the counter. */
  void countDiscarded() {
    long total = retiredDiscarded;
    for (KioskStream s : streams.values()) {
      total += s.discardedSegments();
    }
    if (total > discardedSeen) {
      discarded.increment(total - discardedSeen);
    }
    discardedSeen = Math.max(discardedSeen, total);
  }

  /** Purges so far. */
  long purges() {
    return (long) purged.count();
  }

  private void flag(float[] samples) {
    int clip = 0;
    boolean allZero = true;
    for (float v : samples) {
      if (Math.abs(v) >= CLIP_LEVEL) {
        clip++;
      }
      allZero &= v == 0f;
    }
    if (clip > CLIPPED_SHARE * samples.length) {
      clipped.increment();
    }
    if (allZero) {
      silent.increment();
    }
  }

  private static boolean allFinite(float[] a) {
    for (float v : a) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
