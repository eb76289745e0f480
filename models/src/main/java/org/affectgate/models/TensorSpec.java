package org.affectgate.models;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Set;

/**
 * Name, element type and shape of one model input or output as declared in the manifest.
 *
 * @param name tensor name in the ONNX graph
 * @param dtype element type: {@code float32}, {@code float64}, {@code int8}, {@code uint8}, {@code
 *     int32}, {@code int64}, {@code bool} or {@code string}
 * @param shape dimensions; {@code -1} marks a dimension the graph leaves dynamic
 */
@JsonPropertyOrder({"name", "dtype", "shape"})
public record TensorSpec(String name, String dtype, List<Long> shape) {
  static final Set<String> DTYPES =
      Set.of(
          "float32", "float64", "float16", "int8", "uint8", "int16", "int32", "int64", "bool",
          "string");

  public TensorSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("tensor name must be set");
    }
    if (dtype == null || !DTYPES.contains(dtype)) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': dtype must be one of " + DTYPES + " (got " + dtype + ")");
    }
    if (shape == null) {
      throw new IllegalArgumentException("tensor '" + name + "': shape must be set");
    }
    shape = List.copyOf(shape);
    for (Long d : shape) {
      if (d < -1) {
        throw new IllegalArgumentException(
            "tensor '" + name + "': shape dimensions must be >= -1 (got " + shape + ")");
      }
    }
  }

  /** Number of elements, or -1 if any dimension is dynamic. */
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        return -1;
      }
      n *= d;
    }
    return n;
  }

  @Override
  public String toString() {
    return name + ":" + dtype + shape;
  }
}
