package org.affectgate.agent.vision;

import java.util.ArrayList;
import java.util.List;
import org.affectgate.features.face.FaceDetection;
import org.affectgate.features.face.FaceObservation;

/**
 * A simple IoU tracker for one kiosk's frames, living for one aggregation window at most.
 *
 * <p>Each frame's faces are matched greedily to the open tracks by descending box IoU (pairs below
 * {@code iouThreshold} never match). A matched track takes the new box and smooths its expression
 * distribution by an exponential moving average, {@code s = alpha * p + (1 - alpha) * s}; an
 * unmatched face opens a track (or, at {@code maxTracks}, is counted as dropped); a track unseen
 * for more than {@code maxMissedFrames} frames is closed. {@link #closeWindow()} returns every
 * track of the window with at least {@code minFrames} observations and forgets all of them, so no
 * per-person state outlives the window — a person still in view starts a new track in the next one.
 *
 * <p>A track is a proxy for a distinct person: someone who leaves and comes back within a window
 * counts twice, and two people swapping places between frames may swap tracks. Not thread-safe: one
 * instance per kiosk, used from the pipeline's event-loop context.
 */
public final class FaceTracker {
  /** What a closed track contributes to the window: its smoothed distribution. */
  public record TrackSummary(float[] smoothed, int frames) {}

  private static final class Track {
    FaceDetection box;
    final float[] smoothed;
    int frames = 1;
    int missed;

    Track(FaceObservation o) {
      box = o.face();
      smoothed = o.probabilities().clone();
    }
  }

  private final double iouThreshold;
  private final double alpha;
  private final int maxMissedFrames;
  private final int minFrames;
  private final int maxTracks;
  private final List<Track> open = new ArrayList<>();
  private final List<Track> closed = new ArrayList<>();
  private long droppedFaces;

  /**
   * @param iouThreshold lowest IoU that continues a track, in (0, 1)
   * @param alpha weight of the newest frame in the smoothed distribution, in (0, 1]
   * @param maxMissedFrames frames a track may go unseen before it is closed, >= 0
   * @param minFrames fewest observations for a track to count in the window, >= 1
   * @param maxTracks most tracks per window (bounds memory), >= 1
   */
  public FaceTracker(
      double iouThreshold, double alpha, int maxMissedFrames, int minFrames, int maxTracks) {
    this.iouThreshold = iouThreshold;
    this.alpha = alpha;
    this.maxMissedFrames = maxMissedFrames;
    this.minFrames = minFrames;
    this.maxTracks = maxTracks;
  }

  /** Folds one frame's faces into the tracks. */
  public void update(List<FaceObservation> faces) {
    int n = faces.size();
    boolean[] faceUsed = new boolean[n];
    boolean[] trackUsed = new boolean[open.size()];
    List<double[]> pairs = new ArrayList<>();
    for (int t = 0; t < open.size(); t++) {
      for (int f = 0; f < n; f++) {
        double iou = open.get(t).box.iou(faces.get(f).face());
        if (iou >= iouThreshold) {
          pairs.add(new double[] {iou, t, f});
        }
      }
    }
    pairs.sort((x, y) -> Double.compare(y[0], x[0]));
    for (double[] p : pairs) {
      int t = (int) p[1];
      int f = (int) p[2];
      if (trackUsed[t] || faceUsed[f]) {
        continue;
      }
      trackUsed[t] = true;
      faceUsed[f] = true;
      Track track = open.get(t);
      FaceObservation o = faces.get(f);
      track.box = o.face();
      track.frames++;
      track.missed = 0;
      float[] prob = o.probabilities();
      for (int i = 0; i < track.smoothed.length; i++) {
        track.smoothed[i] = (float) (alpha * prob[i] + (1 - alpha) * track.smoothed[i]);
      }
    }
    List<Track> stillOpen = new ArrayList<>();
    for (int t = 0; t < open.size(); t++) {
      Track track = open.get(t);
      if (!trackUsed[t] && ++track.missed > maxMissedFrames) {
        closed.add(track);
      } else {
        stillOpen.add(track);
      }
    }
    open.clear();
    open.addAll(stillOpen);
    for (int f = 0; f < n; f++) {
      if (!faceUsed[f]) {
        if (open.size() + closed.size() >= maxTracks) {
          droppedFaces++;
        } else {
          open.add(new Track(faces.get(f)));
        }
      }
    }
  }

  /** Tracks of this window so far (open and closed), including those below {@code minFrames}. */
  public int trackCount() {
    return open.size() + closed.size();
  }

  /** Faces not tracked because {@code maxTracks} was reached, since the last window close. */
  public long droppedFaces() {
    return droppedFaces;
  }

  /**
   * Ends the window: returns the tracks with at least {@code minFrames} observations and forgets
   * every track.
   */
  public List<TrackSummary> closeWindow() {
    List<TrackSummary> out = new ArrayList<>();
    for (List<Track> list : List.of(closed, open)) {
      for (Track t : list) {
        if (t.frames >= minFrames) {
          out.add(new TrackSummary(t.smoothed.clone(), t.frames));
        }
      }
    }
    open.clear();
    closed.clear();
    droppedFaces = 0;
    return out;
  }
}
