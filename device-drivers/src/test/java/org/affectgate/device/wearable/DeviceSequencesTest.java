package org.affectgate.device.wearable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.affectgate.device.wearable.DeviceSequences.Verdict;
import org.junit.jupiter.api.Test;

class DeviceSequencesTest {
  private final AtomicInteger evictions = new AtomicInteger();
  private final DeviceSequences seqs = new DeviceSequences(3, evictions::incrementAndGet);

  @Test
  void check_increasingSeqWithGaps_isNew() {
    assertThat(seqs.check("d", 1, 100)).isEqualTo(Verdict.NEW);
    assertThat(seqs.check("d", 2, 200)).isEqualTo(Verdict.NEW);
    assertThat(seqs.check("d", 10, 300)).isEqualTo(Verdict.NEW);
  }

  @Test
  void check_sameSeqAgain_isDuplicate() {
    seqs.check("d", 5, 100);
    assertThat(seqs.check("d", 5, 100)).isEqualTo(Verdict.DUPLICATE);
    assertThat(seqs.check("d", 5, 999)).isEqualTo(Verdict.DUPLICATE);
  }

  @Test
  void check_olderSeqSeenWithin64_isDuplicate() {
    seqs.check("d", 1, 100);
    seqs.check("d", 64, 200);
    assertThat(seqs.check("d", 1, 100)).isEqualTo(Verdict.DUPLICATE);
    seqs.check("d", 65, 300);
    assertThat(seqs.check("d", 1, 100)).isEqualTo(Verdict.BACKWARDS);
  }

  @Test
  void check_lowerUnseenSeqWithOlderOrEqualTs_isBackwards() {
    seqs.check("d", 10, 1000);
    assertThat(seqs.check("d", 9, 1000)).isEqualTo(Verdict.BACKWARDS);
    assertThat(seqs.check("d", 9, 500)).isEqualTo(Verdict.BACKWARDS);
    assertThat(seqs.check("d", 11, 1100)).isEqualTo(Verdict.NEW);
  }

  @Test
  void check_lowerSeqWithNewerTs_isResetAndRestartsState() {
    seqs.check("d", 500, 1000);
    assertThat(seqs.check("d", 0, 2000)).isEqualTo(Verdict.RESET);
    assertThat(seqs.check("d", 0, 2000)).isEqualTo(Verdict.DUPLICATE);
    assertThat(seqs.check("d", 1, 2100)).isEqualTo(Verdict.NEW);
    assertThat(seqs.check("d", 0, 1500)).isEqualTo(Verdict.DUPLICATE);
  }

  @Test
  void check_devicesAreIndependent() {
    seqs.check("a", 5, 100);
    assertThat(seqs.check("b", 5, 100)).isEqualTo(Verdict.NEW);
  }

  @Test
  void check_moreDevicesThanBound_evictsLeastRecentlySeenAndCounts() {
    seqs.check("a", 5, 100);
    seqs.check("b", 5, 100);
    seqs.check("c", 5, 100);
    seqs.check("a", 6, 200);
    seqs.check("d", 1, 100);

    assertThat(evictions).hasValue(1);
    assertThat(seqs.size()).isEqualTo(3);
    assertThat(seqs.check("a", 6, 200)).isEqualTo(Verdict.DUPLICATE);
    assertThat(seqs.check("b", 5, 100)).as("b was evicted, state forgotten").isEqualTo(Verdict.NEW);
  }
}
