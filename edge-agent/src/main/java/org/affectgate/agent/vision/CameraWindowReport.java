package org.affectgate.agent.vision;

import java.util.List;
import org.affectgate.sync.Metric;

/**
 * What one camera window produced.
 *
 * @param windowEndMs window end, epoch ms
 * @param emitted one {@value ExpressionWindows#MEASUREMENT} point per kiosk with at least k tracks
 * @param suppressed kiosks ({@code site/kiosk}) with frames but fewer than k tracks; stays on the
 *     gateway
 */
public record CameraWindowReport(long windowEndMs, List<Metric> emitted, List<String> suppressed) {
  public CameraWindowReport {
    emitted = List.copyOf(emitted);
    suppressed = List.copyOf(suppressed);
  }
}
