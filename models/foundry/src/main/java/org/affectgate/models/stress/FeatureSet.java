package org.affectgate.models.stress;

import java.util.Optional;
import org.affectgate.models.hrv.HrvPersonalBaseline;
import org.affectgate.models.hrv.HrvRunningBaseline;
import org.affectgate.models.hrv.HrvTimeFeatures;

/** Which model input is built from a subject's stream of {@link HrvTimeFeatures} vectors. */
public enum FeatureSet {
  /**
   * {@code ln(1 + x)} of the agent's features as they are, no personal reference; measured for
   * comparison only (nothing shipped uses it).
   */
  ABSOLUTE {
    @Override
    String featureSpec() {
      return "hrv-time-log-abs (not shipped)";
    }

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
  /**
   * {@link HrvPersonalBaseline}: relative to the subject's first 5 minutes (assumed at rest); the
   * {@code hrv-stress} 1.x input.
   */
  RELATIVE {
    @Override
    String featureSpec() {
      return HrvPersonalBaseline.ID;
    }

    @Override
    Stream newStream() {
      return new HrvPersonalBaseline()::offer;
    }
  },
  /** {@link HrvRunningBaseline}: relative to the running mean of the subject's session so far. */
  RUNNING {
    @Override
    String featureSpec() {
      return HrvRunningBaseline.ID;
    }

    @Override
    Stream newStream() {
      return new HrvRunningBaseline()::offer;
    }
  };

  /**
   * The manifest feature-spec id of this input set; only meaningful together with the HRV window
   * the spec names (see {@link HrvStress#SHIPPED}).
   */
  abstract String featureSpec();

  /** One subject's windows in end order to model inputs (empty = no input for this window). */
  interface Stream {
    Optional<float[]> offer(long windowEndMs, float[] hrvTime);
  }

  abstract Stream newStream();
}
