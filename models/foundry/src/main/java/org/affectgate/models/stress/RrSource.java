package org.affectgate.models.stress;

import java.util.ArrayList;
import java.util.List;
import org.affectgate.models.stress.StressPredictData.Beat;
import org.affectgate.models.stress.StressPredictData.Recording;

/** Where the beats fed to the agent's HRV stage come from. */
public enum RrSource {
  /**
   * The wrist sensor's inter-beat intervals ({@code IBI.csv}), as they are: the E4 drops beats it
   * cannot detect reliably (motion), so a window may hold few of them or none.
   */
  IBI {
    @Override
    public List<Beat> beats(Recording r) {
      return r.ibi();
    }
  },
  /**
   * Beats synthesised from the 1 Hz heart-rate series ({@code HR.csv}): starting at the series'
   * start, each next beat closes {@code 60000 / bpm} ms later, with {@code bpm} the value of the
   * second the previous beat fell in. Continuous, but its beat-to-beat variability is that of a
   * smoothed rate, not of real RR intervals.
   */
  HR {
    @Override
    public List<Beat> beats(Recording r) {
      double[] bpm = r.hrBpm();
      List<Beat> out = new ArrayList<>();
      double t = 0;
      double endMs = bpm.length * 1000.0;
      while (true) {
        int second = (int) Math.floor(t / 1000);
        if (second >= bpm.length || !(bpm[second] > 0)) {
          break;
        }
        double rr = 60000.0 / bpm[second];
        t += rr;
        if (t >= endMs) {
          break;
        }
        out.add(new Beat(r.hrStartMs() + Math.round(t), rr));
      }
      return out;
    }
  };

  /** The beats of one recording in time order. */
  public abstract List<Beat> beats(Recording r);
}
