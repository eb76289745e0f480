package org.affectgate.agent.voice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.features.voice.EmotionClass;
import org.affectgate.features.voice.VoiceEstimate;
import org.affectgate.sync.Metric;

/**
 * Turns per-segment estimates into k-anonymous {@value #MEASUREMENT} metrics per site and window.
 *
 * <p>Windows are aligned to multiples of {@code windowMs} by segment end time. A (site, window)
 * with fewer than {@code aggregation.k} distinct pseudonymous kiosk sessions is suppressed ({@code
 * affectgate.voice.aggregate.suppressed}); otherwise it yields one metric with tag {@code site}
 * only and fields {@code sessions}, {@code segments}, {@code arousal_mean}, {@code valence_mean},
 * {@code confidence_mean} and {@code p_<class>_mean} for the 7 {@link EmotionClass}es. Session
 * pseudonyms never leave this class.
 *
 * <p>Not thread-safe: used by the voice worker thread only.
 */
public final class VoiceWindowAggregator {
  public static final String MEASUREMENT = "voice_window";

  private static final class Acc {
    final Set<String> sessions = new HashSet<>();
    int segments;
    double arousal;
    double valence;
    double confidence;
    final double[] p = new double[EmotionClass.values().length];
  }

  private final int k;
  private final long windowMs;
  private final Map<Long, Map<String, Acc>> windows = new TreeMap<>();
  private final Counter suppressed;
  private final Counter emitted;
  private final Counter late;

  public VoiceWindowAggregator(AggregationConfig aggregation, long windowMs, MeterRegistry reg) {
    if (windowMs <= 0) {
      throw new IllegalArgumentException("windowMs must be > 0 (got " + windowMs + ")");
    }
    this.k = aggregation.k();
    this.windowMs = windowMs;
    this.suppressed = reg.counter("affectgate.voice.aggregate.suppressed");
    this.emitted = reg.counter("affectgate.voice.aggregate.emitted");
    this.late = reg.counter("affectgate.voice.aggregate.late");
  }

  /**
   * Adds one segment's estimate.
   *
   * @param session pseudonymous kiosk session id (random, in memory only)
   * @param endMs segment end, epoch ms
   * @param closedUpToMs windows ending at or before this were already emitted: the segment is
   *     counted as late and dropped
   */
  public void add(String site, String session, long endMs, VoiceEstimate e, long closedUpToMs) {
    long windowEnd = Math.floorDiv(endMs, windowMs) * windowMs + windowMs;
    if (windowEnd <= closedUpToMs) {
      late.increment();
      return;
    }
    Acc a =
        windows
            .computeIfAbsent(windowEnd, w -> new HashMap<>())
            .computeIfAbsent(site, s -> new Acc());
    a.sessions.add(session);
    a.segments++;
    a.arousal += e.arousal();
    a.valence += e.valence();
    a.confidence += e.confidence();
    for (int i = 0; i < a.p.length; i++) {
      a.p[i] += e.probabilities()[i];
    }
  }

  /** Closes every window ending at or before {@code upToMs}; returns the emitted metrics. */
  public List<Metric> closeUpTo(long upToMs) {
    List<Metric> out = new ArrayList<>();
    var it = windows.entrySet().iterator();
    while (it.hasNext()) {
      var w = it.next();
      if (w.getKey() > upToMs) {
        break;
      }
      for (var site : new TreeMap<>(w.getValue()).entrySet()) {
        Acc a = site.getValue();
        if (a.sessions.size() < k) {
          suppressed.increment();
          continue;
        }
        TreeMap<String, Double> fields = new TreeMap<>();
        fields.put("sessions", (double) a.sessions.size());
        fields.put("segments", (double) a.segments);
        fields.put("arousal_mean", a.arousal / a.segments);
        fields.put("valence_mean", a.valence / a.segments);
        fields.put("confidence_mean", a.confidence / a.segments);
        for (EmotionClass c : EmotionClass.values()) {
          fields.put("p_" + c.label() + "_mean", a.p[c.ordinal()] / a.segments);
        }
        out.add(
            new Metric(
                MEASUREMENT, new TreeMap<>(Map.of("site", site.getKey())), fields, w.getKey()));
        emitted.increment();
      }
      it.remove();
    }
    return out;
  }
}
