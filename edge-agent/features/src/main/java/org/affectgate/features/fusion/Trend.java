package org.affectgate.features.fusion;

import java.util.Collection;

/** Least-squares slopes of time series held as {@code {timeMillis, y1, y2}} points. */
final class Trend {
  private Trend() {}

  /**
   * @return the slopes of y1 and y2 per second; {0, 0} for fewer than two points or a zero time
   *     span
   */
  static double[] slopesPerSecond(Collection<double[]> points) {
    int n = points.size();
    if (n < 2) {
      return new double[] {0, 0};
    }
    double t0 = points.iterator().next()[0];
    double st = 0;
    double s1 = 0;
    double s2 = 0;
    for (double[] p : points) {
      st += (p[0] - t0) / 1000.0;
      s1 += p[1];
      s2 += p[2];
    }
    double mt = st / n;
    double m1 = s1 / n;
    double m2 = s2 / n;
    double stt = 0;
    double st1 = 0;
    double st2 = 0;
    for (double[] p : points) {
      double dt = (p[0] - t0) / 1000.0 - mt;
      stt += dt * dt;
      st1 += dt * (p[1] - m1);
      st2 += dt * (p[2] - m2);
    }
    if (stt == 0) {
      return new double[] {0, 0};
    }
    return new double[] {st1 / stt, st2 / stt};
  }
}
