package org.affectgate.features.face;

/**
 * A 2-D similarity transform {@code p' = [[a, -b], [b, a]] p + (tx, ty)} (rotation, uniform scale,
 * translation; no reflection). Immutable.
 */
public record Similarity(double a, double b, double tx, double ty) {

  /**
   * The least-squares similarity taking {@code src} points onto {@code dst} points (Umeyama 1991
   * restricted to 2-D proper rotations, which has this closed form): with both point sets centred,
   * {@code a = sum(src . dst) / sum(|src|^2)} and {@code b = sum(src x dst) / sum(|src|^2)}.
   *
   * @param src {@code x0, y0, x1, y1, ...}, at least 2 distinct points
   * @param dst as many points as {@code src}
   * @throws IllegalArgumentException if the sizes differ or all {@code src} points coincide
   */
  public static Similarity estimate(float[] src, double[] dst) {
    if (src.length != dst.length || src.length < 4 || src.length % 2 != 0) {
      throw new IllegalArgumentException("need matching point lists of at least 2 points");
    }
    int n = src.length / 2;
    double msx = 0, msy = 0, mdx = 0, mdy = 0;
    for (int i = 0; i < n; i++) {
      msx += src[2 * i];
      msy += src[2 * i + 1];
      mdx += dst[2 * i];
      mdy += dst[2 * i + 1];
    }
    msx /= n;
    msy /= n;
    mdx /= n;
    mdy /= n;
    double dot = 0, cross = 0, norm = 0;
    for (int i = 0; i < n; i++) {
      double sx = src[2 * i] - msx;
      double sy = src[2 * i + 1] - msy;
      double dx = dst[2 * i] - mdx;
      double dy = dst[2 * i + 1] - mdy;
      dot += sx * dx + sy * dy;
      cross += sx * dy - sy * dx;
      norm += sx * sx + sy * sy;
    }
    if (!(norm > 1e-9)) {
      throw new IllegalArgumentException("source points coincide");
    }
    double a = dot / norm;
    double b = cross / norm;
    return new Similarity(a, b, mdx - (a * msx - b * msy), mdy - (b * msx + a * msy));
  }

  /** Scale factor of the transform. */
  public double scale() {
    return Math.hypot(a, b);
  }

  /** Rotation in radians. */
  public double angle() {
    return Math.atan2(b, a);
  }

  public double mapX(double x, double y) {
    return a * x - b * y + tx;
  }

  public double mapY(double x, double y) {
    return b * x + a * y + ty;
  }

  /** The inverse transform. */
  public Similarity inverse() {
    double d = a * a + b * b;
    double ia = a / d;
    double ib = -b / d;
    return new Similarity(ia, ib, -(ia * tx - ib * ty), -(ib * tx + ia * ty));
  }
}
