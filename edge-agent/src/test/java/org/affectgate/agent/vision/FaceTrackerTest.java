package org.affectgate.agent.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.affectgate.features.face.FaceDetection;
import org.affectgate.features.face.FaceObservation;
import org.junit.jupiter.api.Test;

class FaceTrackerTest {
  static FaceObservation face(float x, float y, float... probabilities) {
    return new FaceObservation(
        new FaceDetection(x, y, 100, 100, 0.9f, new float[10]), probabilities);
  }

  private final FaceTracker tracker = new FaceTracker(0.3, 0.5, 2, 2, 4);

  @Test
  void update_movingFace_staysOneTrackWithSmoothedDistribution() {
    tracker.update(List.of(face(0, 0, 1, 0)));
    tracker.update(List.of(face(10, 5, 0, 1)));
    tracker.update(List.of(face(20, 10, 0, 1)));
    List<FaceTracker.TrackSummary> tracks = tracker.closeWindow();
    assertThat(tracks).hasSize(1);
    assertThat(tracks.get(0).frames()).isEqualTo(3);
    assertThat(tracks.get(0).smoothed()[0]).isCloseTo(0.25f, within(1e-6f));
    assertThat(tracks.get(0).smoothed()[1]).isCloseTo(0.75f, within(1e-6f));
  }

  @Test
  void update_twoSeparateFaces_makeTwoTracksMatchedByOverlap() {
    tracker.update(List.of(face(0, 0, 1, 0), face(500, 0, 0, 1)));
    tracker.update(List.of(face(505, 0, 0, 1), face(5, 0, 1, 0)));
    List<FaceTracker.TrackSummary> tracks = tracker.closeWindow();
    assertThat(tracks).hasSize(2);
    assertThat(tracks)
        .allSatisfy(t -> assertThat(t.smoothed()[0] == 1f || t.smoothed()[1] == 1f).isTrue());
  }

  @Test
  void update_faceGoneLongerThanMaxMissed_closesTrackAndReturningFaceIsNew() {
    tracker.update(List.of(face(0, 0, 1, 0)));
    tracker.update(List.of(face(0, 0, 1, 0)));
    for (int i = 0; i < 3; i++) {
      tracker.update(List.of());
    }
    tracker.update(List.of(face(0, 0, 1, 0)));
    tracker.update(List.of(face(0, 0, 1, 0)));
    assertThat(tracker.closeWindow()).hasSize(2);
  }

  @Test
  void closeWindow_dropsShortTracksAndForgetsEverything() {
    tracker.update(List.of(face(0, 0, 1, 0)));
    assertThat(tracker.trackCount()).isEqualTo(1);
    assertThat(tracker.closeWindow()).isEmpty();
    assertThat(tracker.trackCount()).isZero();
    tracker.update(List.of(face(0, 0, 1, 0)));
    tracker.update(List.of(face(0, 0, 1, 0)));
    assertThat(tracker.closeWindow())
        .hasSize(1)
        .allSatisfy(t -> assertThat(t.frames()).isEqualTo(2));
  }

  @Test
  void update_moreFacesThanMaxTracks_countsTheExtra() {
    tracker.update(
        List.of(
            face(0, 0, 1, 0),
            face(200, 0, 1, 0),
            face(400, 0, 1, 0),
            face(600, 0, 1, 0),
            face(800, 0, 1, 0)));
    assertThat(tracker.trackCount()).isEqualTo(4);
    assertThat(tracker.droppedFaces()).isEqualTo(1);
  }
}
