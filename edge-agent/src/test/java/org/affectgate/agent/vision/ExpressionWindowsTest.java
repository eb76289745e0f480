package org.affectgate.agent.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.features.face.FaceObservation;
import org.affectgate.features.face.FrameAnalysis;
import org.affectgate.sync.Metric;
import org.junit.jupiter.api.Test;

class ExpressionWindowsTest {
  private static final long T0 = 1_700_000_040_000L; // a 60 s window starts at 1_700_000_040_000
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ExpressionWindows windows =
      new ExpressionWindows(CameraConfig.defaults(), List.of("happy", "sad"), registry);

  /** One frame with {@code n} well separated faces, the first {@code happy} of them happy. */
  private static FrameAnalysis frame(int n, int happy) {
    List<FaceObservation> faces = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      faces.add(FaceTrackerTest.face(i * 200, 0, i < happy ? 0.9f : 0.2f, i < happy ? 0.1f : 0.8f));
    }
    return new FrameAnalysis(faces, 0, 0, 0);
  }

  @Test
  void window_withKTracks_emitsAnonymousCountsAndDistribution() {
    for (int f = 0; f < 3; f++) {
      assertThat(windows.onFrame("lab", "k1", frame(6, 4), T0 + f * 100)).isEmpty();
    }
    List<CameraWindowReport> reports = windows.closeWindowsUpTo(T0 + 60_000);
    assertThat(reports).hasSize(1);
    CameraWindowReport r = reports.get(0);
    assertThat(r.windowEndMs()).isEqualTo(T0 + 60_000);
    assertThat(r.suppressed()).isEmpty();
    Metric m = r.emitted().get(0);
    assertThat(m.measurement()).isEqualTo("face_expression_window");
    assertThat(m.tags()).containsOnlyKeys("site", "kiosk");
    assertThat(m.fields().get("faces")).isEqualTo(6.0);
    assertThat(m.fields().get("frames")).isEqualTo(3.0);
    assertThat(m.fields().get("n_happy")).isEqualTo(4.0);
    assertThat(m.fields().get("n_sad")).isEqualTo(2.0);
    assertThat(m.fields().get("p_happy")).isCloseTo((4 * 0.9 + 2 * 0.2) / 6, within(1e-6));
  }

  @Test
  void window_withFewerThanKTracks_isSuppressedAndCounted() {
    for (int f = 0; f < 3; f++) {
      windows.onFrame("lab", "k1", frame(4, 4), T0 + f);
    }
    CameraWindowReport r = windows.closeWindowsUpTo(T0 + 60_000).get(0);
    assertThat(r.emitted()).isEmpty();
    assertThat(r.suppressed()).containsExactly("lab/k1");
    assertThat(registry.counter("affectgate.camera.windows", "outcome", "suppressed").count())
        .isEqualTo(1);
  }

  @Test
  void nextWindow_startsWithoutAnyTrackOfThePreviousOne() {
    for (int f = 0; f < 3; f++) {
      windows.onFrame("lab", "k1", frame(6, 6), T0 + f);
    }
    List<CameraWindowReport> closed = windows.onFrame("lab", "k1", frame(6, 6), T0 + 60_500);
    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).emitted()).hasSize(1);
    windows.onFrame("lab", "k1", frame(6, 6), T0 + 60_600);
    CameraWindowReport next = windows.closeWindowsUpTo(T0 + 120_000).get(0);
    assertThat(next.emitted()).isEmpty();
    assertThat(next.suppressed()).containsExactly("lab/k1");
  }

  @Test
  void closeWindowsUpTo_beforeTheEnd_closesNothing() {
    windows.onFrame("lab", "k1", frame(6, 6), T0);
    assertThat(windows.closeWindowsUpTo(T0 + 59_999)).isEmpty();
  }
}
