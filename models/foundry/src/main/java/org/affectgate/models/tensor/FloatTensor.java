package org.affectgate.models.tensor;

import java.util.Arrays;

/**
 * A dense float32 array with a shape, stored row-major (last index varies fastest).
 *
 * <p>Instances are immutable by convention: the constructor copies nothing for speed, so callers
 * that hand in an array must not modify it afterwards, and {@link #data()} must be treated as
 * read-only. Not thread-safe to mutate; safe to share once built.
 */
public final class FloatTensor {
  private final int[] shape;
  private final float[] data;

  /**
   * @param shape dimensions, each {@code >= 0}
   * @param data values in row-major order; length must equal the product of {@code shape}
   * @throws IllegalArgumentException if the length does not match the shape
   */
  public FloatTensor(int[] shape, float[] data) {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " needs "
              + size
              + " values (got "
              + data.length
              + ")");
    }
    this.shape = shape.clone();
    this.data = data;
  }

  /** Returns a copy of the dimensions. */
  public int[] shape() {
    return shape.clone();
  }

  /** Returns dimension {@code axis}. */
  public int dim(int axis) {
    return shape[axis];
  }

  public int rank() {
    return shape.length;
  }

  /** Returns the backing row-major array (read-only by contract). */
  public float[] data() {
    return data;
  }

  public int size() {
    return data.length;
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
