package org.affectgate.agent.vision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.affectgate.device.kiosk.camera.CameraFrame;
import org.affectgate.device.kiosk.camera.ImageFormat;
import org.affectgate.device.kiosk.camera.ImageInfo;
import org.junit.jupiter.api.Test;

class LatestFrameSchedulerTest {
  private final Deque<Runnable> queued = new ArrayDeque<>();
  private final List<Long> analysed = new ArrayList<>();
  private final AtomicInteger superseded = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final LatestFrameScheduler scheduler =
      new LatestFrameScheduler(
          queued::add,
          f -> analysed.add(f.seq()),
          superseded::incrementAndGet,
          2,
          refused::incrementAndGet);

  private static CameraFrame frame(String kiosk, long seq) {
    return new CameraFrame(
        "s", kiosk, seq, seq, new ImageInfo(ImageFormat.JPEG, 1, 1, 3), new byte[0]);
  }

  private void runQueued() {
    while (!queued.isEmpty()) {
      queued.poll().run();
    }
  }

  @Test
  void flood_whileWorkerBusy_keepsOnlyTheNewestFrameAndCountsTheRest() {
    for (long s = 1; s <= 10; s++) {
      scheduler.offer(frame("k", s));
    }
    assertThat(queued).hasSize(1);
    runQueued();
    assertThat(analysed).containsExactly(10L);
    assertThat(superseded.get()).isEqualTo(9);
  }

  @Test
  void frameArrivingDuringAnalysis_isAnalysedNext() {
    scheduler.offer(frame("k", 1));
    Runnable first = queued.poll();
    first.run();
    scheduler.offer(frame("k", 2));
    runQueued();
    assertThat(analysed).containsExactly(1L, 2L);
    assertThat(superseded.get()).isZero();
  }

  @Test
  void kiosks_haveIndependentSlots() {
    scheduler.offer(frame("a", 1));
    scheduler.offer(frame("b", 1));
    scheduler.offer(frame("a", 2));
    runQueued();
    assertThat(analysed).containsExactlyInAnyOrder(2L, 1L);
    assertThat(superseded.get()).isEqualTo(1);
  }

  @Test
  void kiosksBeyondTheBound_areRefusedAndCounted() {
    scheduler.offer(frame("a", 1));
    scheduler.offer(frame("b", 1));
    scheduler.offer(frame("c", 1));
    scheduler.offer(frame("a", 2));
    runQueued();
    assertThat(analysed).containsExactlyInAnyOrder(2L, 1L);
    assertThat(refused.get()).isEqualTo(1);
  }
}
