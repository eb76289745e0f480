package org.affectgate.models.voice;

import java.util.List;
import java.util.Random;

/**
 * Fits an {@link MlpModel}: {@code members} one-hidden-layer ReLU networks of {@code hidden} units,
 * each trained by full-batch Adam (learning rate {@value #LEARNING_RATE}) on the class-weighted
 * cross-entropy (each class the same total weight) plus {@code l2/2·(|W1|² + |W2|²)}, then merged
 * into one network that averages their logits.
 *
 * <p>Deterministic: member {@code m} starts from He-scaled Gaussian weights drawn by {@link Random}
 * seeded with {@code seed + m} (its sequence is specified by the JDK), arithmetic uses {@link
 * StrictMath}, and the order of every sum is fixed; the same data give the same model on any JVM.
 * Stateless.
 *
 * @param hidden hidden units per member, > 0
 * @param l2 penalty on the weights (not the biases), >= 0
 * @param iterations gradient steps, > 0
 * @param members ensemble size, > 0
 * @param seed initialisation seed
 */
public record MlpTrainer(int hidden, double l2, int iterations, int members, long seed) {
  static final double LEARNING_RATE = 0.01;

  public MlpTrainer {
    if (hidden <= 0 || !(l2 >= 0) || iterations <= 0 || members <= 0) {
      throw new IllegalArgumentException(
          "hidden, iterations and members must be > 0 and l2 >= 0 (got "
              + hidden
              + ", "
              + iterations
              + ", "
              + members
              + ", "
              + l2
              + ")");
    }
  }

  /**
   * @param x training vectors, all of one length
   * @param y class index of each vector, 0..classes-1; every class present
   * @throws IllegalArgumentException if {@code x} is empty
   */
  public MlpModel fit(List<float[]> x, int[] y, int classes) {
    if (x.isEmpty()) {
      throw new IllegalArgumentException("no training vectors");
    }
    int n = x.size();
    int d = x.get(0).length;
    StandardizedSet set = StandardizedSet.of(x, y, classes);
    double[] mean = set.mean();
    double[] scale = set.scale();
    double[][] z = set.z();
    double[] sampleWeight = set.sampleWeight();
    int wide = hidden * members;
    double[][] w1 = new double[d][wide];
    double[] b1 = new double[wide];
    double[][] w2 = new double[wide][classes];
    double[] b2 = new double[classes];
    for (int m = 0; m < members; m++) {
      Member net = train(z, y, sampleWeight, classes, seed + m);
      for (int j = 0; j < d; j++) {
        System.arraycopy(net.w1[j], 0, w1[j], m * hidden, hidden);
      }
      System.arraycopy(net.b1, 0, b1, m * hidden, hidden);
      for (int h = 0; h < hidden; h++) {
        for (int c = 0; c < classes; c++) {
          w2[m * hidden + h][c] = net.w2[h][c] / members;
        }
      }
      for (int c = 0; c < classes; c++) {
        b2[c] += net.b2[c] / members;
      }
    }
    return new MlpModel(mean, scale, w1, b1, w2, b2);
  }

  private record Member(double[][] w1, double[] b1, double[][] w2, double[] b2) {}

  private Member train(double[][] z, int[] y, double[] sampleWeight, int classes, long memberSeed) {
    int n = z.length;
    int d = z[0].length;
    Random random = new Random(memberSeed);
    double[][] w1 = new double[d][hidden];
    double[] b1 = new double[hidden];
    double[][] w2 = new double[hidden][classes];
    double[] b2 = new double[classes];
    double s1 = StrictMath.sqrt(2.0 / d);
    double s2 = StrictMath.sqrt(1.0 / hidden);
    for (int j = 0; j < d; j++) {
      for (int h = 0; h < hidden; h++) {
        w1[j][h] = random.nextGaussian() * s1;
      }
    }
    for (int h = 0; h < hidden; h++) {
      for (int c = 0; c < classes; c++) {
        w2[h][c] = random.nextGaussian() * s2;
      }
    }
    Adam a1 = new Adam(d, hidden);
    Adam ab1 = new Adam(1, hidden);
    Adam a2 = new Adam(hidden, classes);
    Adam ab2 = new Adam(1, classes);
    double[] act = new double[hidden];
    double[] dh = new double[hidden];
    for (int it = 1; it <= iterations; it++) {
      double[][] g1 = new double[d][hidden];
      double[][] gb1 = new double[1][hidden];
      double[][] g2 = new double[hidden][classes];
      double[][] gb2 = new double[1][classes];
      for (int r = 0; r < n; r++) {
        double[] p = forward(z[r], w1, b1, w2, b2, act);
        java.util.Arrays.fill(dh, 0);
        for (int c = 0; c < classes; c++) {
          double g = sampleWeight[r] * (p[c] - (y[r] == c ? 1 : 0));
          gb2[0][c] += g;
          for (int h = 0; h < hidden; h++) {
            g2[h][c] += g * act[h];
            dh[h] += g * w2[h][c];
          }
        }
        for (int h = 0; h < hidden; h++) {
          if (act[h] <= 0) {
            continue;
          }
          gb1[0][h] += dh[h];
          for (int j = 0; j < d; j++) {
            g1[j][h] += dh[h] * z[r][j];
          }
        }
      }
      for (int j = 0; j < d; j++) {
        for (int h = 0; h < hidden; h++) {
          g1[j][h] += l2 * w1[j][h];
        }
      }
      for (int h = 0; h < hidden; h++) {
        for (int c = 0; c < classes; c++) {
          g2[h][c] += l2 * w2[h][c];
        }
      }
      a1.step(w1, g1, it);
      a2.step(w2, g2, it);
      ab1.step(new double[][] {b1}, gb1, it);
      ab2.step(new double[][] {b2}, gb2, it);
    }
    return new Member(w1, b1, w2, b2);
  }

  /** Softmax output of one standardised vector; fills {@code act} with the hidden activations. */
  static double[] forward(
      double[] z, double[][] w1, double[] b1, double[][] w2, double[] b2, double[] act) {
    int hidden = b1.length;
    int classes = b2.length;
    System.arraycopy(b1, 0, act, 0, hidden);
    for (int j = 0; j < z.length; j++) {
      double v = z[j];
      double[] row = w1[j];
      for (int h = 0; h < hidden; h++) {
        act[h] += v * row[h];
      }
    }
    double[] s = b2.clone();
    for (int h = 0; h < hidden; h++) {
      if (act[h] < 0) {
        act[h] = 0;
      }
      double v = act[h];
      if (v == 0) {
        continue;
      }
      double[] row = w2[h];
      for (int c = 0; c < classes; c++) {
        s[c] += v * row[c];
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      s[c] = StrictMath.exp(s[c] - max);
      sum += s[c];
    }
    for (int c = 0; c < classes; c++) {
      s[c] /= sum;
    }
    return s;
  }

  /** Adam state of one parameter matrix (beta1 0.9, beta2 0.999, epsilon 1e-8). */
  private static final class Adam {
    private final double[][] m;
    private final double[][] v;

    Adam(int rows, int cols) {
      m = new double[rows][cols];
      v = new double[rows][cols];
    }

    void step(double[][] param, double[][] grad, int it) {
      double c1 = 1 - StrictMath.pow(0.9, it);
      double c2 = 1 - StrictMath.pow(0.999, it);
      for (int i = 0; i < param.length; i++) {
        for (int j = 0; j < param[i].length; j++) {
          double g = grad[i][j];
          m[i][j] = 0.9 * m[i][j] + 0.1 * g;
          v[i][j] = 0.999 * v[i][j] + 0.001 * g * g;
          param[i][j] -= LEARNING_RATE * (m[i][j] / c1) / (StrictMath.sqrt(v[i][j] / c2) + 1e-8);
        }
      }
    }
  }
}
