package org.affectgate.features.hrv;

import java.util.List;

/**
 * Computes time-domain HRV over the beats of one window, following NeuroKit2's {@code hrv_time}:
 *
 * <ul>
 *   <li>MeanNN = mean of the clean RRs; meanHr = 60000 / MeanNN (the reciprocal of the mean
 *       interval, not the mean of instantaneous rates, so it is consistent with MeanNN)
 *   <li>SDNN = sample standard deviation of the clean RRs (ddof = 1)
 *   <li>RMSSD = sqrt(mean of squared successive differences)
 *   <li>pNN50 = 100 * count(|difference| > 50 ms) / count(differences)
 * </ul>
 *
 * <p>Successive differences are taken only between <em>adjacent</em> clean beats: a rejected beat
 * between two clean ones breaks adjacency (the difference would span a gap or an artifact and
 * inflate RMSSD), and so does a gap longer than {@code hrv.rrMaxMs} between one beat's end and the
 * next beat's start (at least one beat is missing, e.g. a dropped notification). Stateless.
 */
final class TimeDomain {
  private final long maxGapMs;

  TimeDomain(HrvConfig config) {
    this.maxGapMs = (long) Math.ceil(config.rrMaxMs());
  }

  /** Sums over one window; {@code clean} may be too small for features, check before use. */
  record Sums(
      int total, int clean, int pairs, double meanNn, double sdnn, double rmssd, double pnn50) {}

  /**
   * @param beats the subject's beats in time order
   * @param fromMs window start, inclusive
   * @param toMs window end, exclusive
   */
  Sums compute(List<Beat> beats, long fromMs, long toMs) {
    int total = 0;
    int clean = 0;
    double sum = 0;
    int pairs = 0;
    double sumSq = 0;
    int over50 = 0;
    Beat previous = null;
    int first = firstAtOrAfter(beats, fromMs);
    for (int i = first; i < beats.size(); i++) {
      Beat beat = beats.get(i);
      if (beat.endMs() >= toMs) {
        break;
      }
      total++;
      if (beat.accepted()) {
        clean++;
        sum += beat.rrMs();
        if (previous != null
            && previous.accepted()
            && beat.startMs() - previous.endMs() <= maxGapMs) {
          double diff = beat.rrMs() - previous.rrMs();
          pairs++;
          sumSq += diff * diff;
          if (Math.abs(diff) > 50) {
            over50++;
          }
        }
      }
      previous = beat;
    }
    double mean = clean == 0 ? Double.NaN : sum / clean;
    double sdnn = clean < 2 ? Double.NaN : sampleSd(beats, first, toMs, mean, clean);
    double rmssd = pairs == 0 ? Double.NaN : Math.sqrt(sumSq / pairs);
    double pnn50 = pairs == 0 ? Double.NaN : 100.0 * over50 / pairs;
    return new Sums(total, clean, pairs, mean, sdnn, rmssd, pnn50);
  }

  private static double sampleSd(List<Beat> beats, int first, long toMs, double mean, int clean) {
    double dev = 0;
    for (int i = first; i < beats.size() && beats.get(i).endMs() < toMs; i++) {
      Beat beat = beats.get(i);
      if (beat.accepted()) {
        double d = beat.rrMs() - mean;
        dev += d * d;
      }
    }
    return Math.sqrt(dev / (clean - 1));
  }

  /** Index of the first beat with {@code endMs >= fromMs} (binary search; beats are sorted). */
  static int firstAtOrAfter(List<Beat> beats, long fromMs) {
    int lo = 0;
    int hi = beats.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (beats.get(mid).endMs() < fromMs) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
