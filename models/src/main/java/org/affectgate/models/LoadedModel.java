package org.affectgate.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * A verified model with an open ONNX Runtime session. Obtain it from {@link ModelRegistry#load}.
 *
 * <p>{@link #infer} and {@link #session()}{@code .run} may be called from several threads at once
 * (ONNX Runtime sessions are thread-safe for inference); {@link #close()} must not race with them.
 */
public final class LoadedModel implements AutoCloseable {
  private final ModelEntry entry;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final long[] inputShape;
  private final long inputSize;

  LoadedModel(ModelEntry entry, OrtEnvironment environment, OrtSession session) {
    this.entry = entry;
    this.environment = environment;
    this.session = session;
    TensorSpec in = entry.inputs().get(0);
    this.inputShape = in.shape().stream().mapToLong(Long::longValue).toArray();
    this.inputSize = in.elementCount();
  }

  /** The manifest entry this model was verified against. */
  public ModelEntry entry() {
    return entry;
  }

  /** The underlying session, for models with several inputs or non-float outputs. */
  public OrtSession session() {
    return session;
  }

  public OrtEnvironment environment() {
    return environment;
  }

  /**
   * Runs a model with one float32 input of static shape and returns its first output, flattened.
   *
   * @param input values in the manifest's input shape and preprocessing, row-major; not retained
   * @return a new array with the first output's values
   * @throws IllegalArgumentException if {@code input} has the wrong length or the model's first
   *     input is not a static float32 tensor
   * @throws OrtException if ONNX Runtime fails
   */
  public float[] infer(float[] input) throws OrtException {
    TensorSpec spec = entry.inputs().get(0);
    if (!"float32".equals(spec.dtype()) || inputSize < 0) {
      throw new IllegalArgumentException(
          "infer() needs a static float32 input; " + entry.name() + " has " + spec);
    }
    if (input.length != inputSize) {
      throw new IllegalArgumentException(
          entry.name() + " expects " + inputSize + " input values (got " + input.length + ")");
    }
    try (OnnxTensor tensor =
            OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), inputShape);
        OrtSession.Result result = session.run(Map.of(spec.name(), tensor))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] values = new float[out.remaining()];
      out.get(values);
      return values;
    }
  }

  /**
   * Applies the manifest's {@link ModelEntry#calibration() calibration} to class probabilities this
   * model produced, in place; without one in the manifest they are returned unchanged. Every caller
   * that hands a model's probabilities on as confidences goes through this, so what the agent emits
   * is what the model card's calibration figures describe. Thread-safe.
   *
   * @param probabilities the model's output probabilities, in label order; overwritten
   * @return {@code probabilities}
   * @throws IllegalArgumentException if the vector does not hold one probability per label, or a
   *     value is negative or not finite
   */
  public float[] calibrate(float[] probabilities) {
    Calibration c = entry.calibration();
    if (c == null) {
      return probabilities;
    }
    if (probabilities.length != entry.labels().size()) {
      throw new IllegalArgumentException(
          entry.name()
              + " calibration expects "
              + entry.labels().size()
              + " probabilities (got "
              + probabilities.length
              + ")");
    }
    return c.apply(probabilities);
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
