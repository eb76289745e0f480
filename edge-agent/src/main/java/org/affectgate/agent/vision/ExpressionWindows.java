package org.affectgate.agent.vision;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.features.face.FrameAnalysis;
import org.affectgate.sync.Metric;

/**
 * Per-kiosk face tracks and anonymous window aggregates (the camera's only output).
 *
 * <p>Windows are epoch-aligned, {@code camera.windowSeconds} long, stamped with their end, and
 * timed by the agent's clock when a frame's analysis arrives (not the kiosk's capture time, which
 * an unsynchronised kiosk could skew). When a window closes, each kiosk's {@link FaceTracker}
 * yields its tracks and forgets them. A kiosk with at least {@code camera.k} tracks gives one
 * {@value #MEASUREMENT} point, tags {@code site}, {@code kiosk}, fields {@code faces} (tracks),
 * {@code frames} (frames analysed), {@code p_<label>} (mean of the tracks' smoothed distributions)
 * and {@code n_<label>} (tracks whose smoothed distribution peaks at that label); fewer tracks:
 * suppressed and counted. Kiosk state is dropped with the window.
 *
 * <p>Meters: {@code affectgate.camera.windows{outcome=emitted|suppressed}}, {@code
 * affectgate.camera.faces.untracked} (faces over the per-window track bound). Not thread-safe: use
 * from the pipeline's event-loop context.
 */
public final class ExpressionWindows {
  public static final String MEASUREMENT = "face_expression_window";

  private static final class Kiosk {
    final String site;
    final String kioskId;
    final FaceTracker tracker;
    long frames;

    Kiosk(String site, String kioskId, FaceTracker tracker) {
      this.site = site;
      this.kioskId = kioskId;
      this.tracker = tracker;
    }
  }

  private final CameraConfig config;
  private final List<String> labels;
  private final Map<String, Kiosk> kiosks = new TreeMap<>();
  private final Counter emitted;
  private final Counter suppressed;
  private final Counter untracked;
  private long windowEndMs = Long.MIN_VALUE;

  public ExpressionWindows(CameraConfig config, List<String> labels, MeterRegistry registry) {
    this.config = config;
    this.labels = List.copyOf(labels);
    this.emitted = registry.counter("affectgate.camera.windows", "outcome", "emitted");
    this.suppressed = registry.counter("affectgate.camera.windows", "outcome", "suppressed");
    this.untracked = registry.counter("affectgate.camera.faces.untracked");
  }

  /**
   * Folds one analysed frame in, at agent time {@code nowMs}; closes the current window first if
   * {@code nowMs} is past its end.
   *
   * @return reports of windows this call closed (usually none)
   */
  public List<CameraWindowReport> onFrame(
      String site, String kioskId, FrameAnalysis analysis, long nowMs) {
    List<CameraWindowReport> reports = closeWindowsUpTo(nowMs);
    if (windowEndMs == Long.MIN_VALUE) {
      windowEndMs = alignedEnd(nowMs);
    }
    Kiosk k =
        kiosks.computeIfAbsent(
            site + "/" + kioskId, key -> new Kiosk(site, kioskId, config.newTracker()));
    k.frames++;
    k.tracker.update(analysis.faces());
    return reports;
  }

  /**
   * Forgets the kiosk's tracks and frame count in the current window (its consent ended or its
   * notice failed); the kiosk reappears only with later frames.
   *
   * @return true when the kiosk had state
   */
  public boolean purge(String site, String kioskId) {
    return kiosks.remove(site + "/" + kioskId) != null;
  }

  /** Closes the current window if {@code nowMs} is at or past its end. */
  public List<CameraWindowReport> closeWindowsUpTo(long nowMs) {
    if (windowEndMs == Long.MIN_VALUE || nowMs < windowEndMs) {
      return List.of();
    }
    CameraWindowReport report = close(windowEndMs);
    windowEndMs = alignedEnd(nowMs);
    return List.of(report);
  }

  private long alignedEnd(long nowMs) {
    long len = config.windowMs();
    return Math.floorDiv(nowMs, len) * len + len;
  }

  private CameraWindowReport close(long endMs) {
    List<Metric> points = new ArrayList<>();
    List<String> held = new ArrayList<>();
    for (Kiosk k : kiosks.values()) {
      untracked.increment(k.tracker.droppedFaces());
      List<FaceTracker.TrackSummary> tracks = k.tracker.closeWindow();
      if (tracks.size() < config.k()) {
        held.add(k.site + "/" + k.kioskId);
        suppressed.increment();
      } else {
        points.add(point(k, tracks, endMs));
        emitted.increment();
      }
    }
    kiosks.clear();
    return new CameraWindowReport(endMs, points, held);
  }

  private Metric point(Kiosk k, List<FaceTracker.TrackSummary> tracks, long endMs) {
    int c = labels.size();
    double[] mean = new double[c];
    int[] dominant = new int[c];
    for (FaceTracker.TrackSummary t : tracks) {
      int best = 0;
      for (int i = 0; i < c; i++) {
        mean[i] += t.smoothed()[i];
        if (t.smoothed()[i] > t.smoothed()[best]) {
          best = i;
        }
      }
      dominant[best]++;
    }
    Map<String, Double> fields = new TreeMap<>();
    fields.put("faces", (double) tracks.size());
    fields.put("frames", (double) k.frames);
    for (int i = 0; i < c; i++) {
      fields.put("p_" + labels.get(i), mean[i] / tracks.size());
      fields.put("n_" + labels.get(i), (double) dominant[i]);
    }
    return new Metric(
        MEASUREMENT,
        new TreeMap<>(Map.of("site", k.site, "kiosk", k.kioskId)),
        new TreeMap<>(fields),
        endMs);
  }
}
