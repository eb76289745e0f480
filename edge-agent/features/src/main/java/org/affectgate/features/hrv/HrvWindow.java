package org.affectgate.features.hrv;

import java.util.List;

/**
 * Everything the engine emitted for one window end.
 *
 * @param windowEndMs window end, epoch ms, a multiple of the step
 * @param features one entry per subject that had enough clean beats, sorted by subject id; empty
 *     when beats were present but no subject qualified
 */
public record HrvWindow(long windowEndMs, List<HrvFeatures> features) {

  public HrvWindow {
    features = List.copyOf(features);
  }
}
