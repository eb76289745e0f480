package org.affectgate.agent.stress;

import java.util.List;
import org.affectgate.agent.aggregate.SuppressedGroup;
import org.affectgate.sync.Metric;

/**
 * What one 180 s stress window produced.
 *
 * @param windowEndMs window end, epoch ms
 * @param emitted {@code hrv_stress_window} group metrics, sorted by (site, programme)
 * @param suppressed groups withheld for having fewer than k subjects, sorted by (site, programme)
 */
public record StressReport(
    long windowEndMs, List<Metric> emitted, List<SuppressedGroup> suppressed) {
  public StressReport {
    emitted = List.copyOf(emitted);
    suppressed = List.copyOf(suppressed);
  }
}
