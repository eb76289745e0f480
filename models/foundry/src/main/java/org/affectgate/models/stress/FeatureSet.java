package org.affectgate.models.stress;

import java.util.Optional;
import org.affectgate.models.hrv.HrvPersonalBaseline;
import org.affectgate.models.hrv.HrvTimeFeatures;

/** Which model input is built from a subject's stream of {@link HrvTimeFeatures} vectors. */
public enum FeatureSet {
  /**
   * {@code ln(1 + x)} of the agent's features as they are, no personal reference; measured for
   * comparison only (nothing shipped uses it).
   */
  ABSOLUTE {
    @Override
    Stream newStream() {
      return (end, x) -> {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
          out[i] = (float) Math.log1p(x[i]);
        }
        return Optional.of(out);
      };
    }
  },
  /** {@value HrvPersonalBaseline#ID}: relative to the subject's calibration windows. */
  RELATIVE {
    @Override
    Stream newStream() {
      return new HrvPersonalBaseline()::offer;
    }
  };

  /** One subject's windows in end order to model inputs (empty = no input for this window). */
  interface Stream {
    Optional<float[]> offer(long windowEndMs, float[] hrvTime);
  }

  abstract Stream newStream();
}
