package org.affectgate.models.foundry;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.affectgate.models.keras.KerasImportException;
import org.affectgate.models.keras.KerasModel;
import org.affectgate.models.keras.KerasReferenceForward;

/**
 * Compares an ONNX Runtime session of a converted model with the plain Keras-semantics forward pass
 * ({@link KerasReferenceForward}) on the same inputs.
 */
public final class KerasEquivalence {
  private KerasEquivalence() {}

  /**
   * @param keras the Keras model the ONNX graph was converted from
   * @param session a session of the converted graph (single NCHW float input {@code inputName})
   * @param nhwcInputs images in NHWC order matching the Keras input shape
   * @return the largest absolute difference between corresponding output values
   */
  public static double maxAbsDiff(
      KerasModel keras, OrtSession session, String inputName, List<float[]> nhwcInputs)
      throws KerasImportException, OrtException {
    var shape = keras.layer(keras.inputLayer()).config().path("batch_input_shape");
    int h = shape.get(1).asInt();
    int w = shape.get(2).asInt();
    int c = shape.get(3).asInt();
    KerasReferenceForward reference = new KerasReferenceForward(keras);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    double worst = 0;
    for (float[] nhwc : nhwcInputs) {
      double[] expected = reference.predict(nhwc);
      float[] nchw = FixtureInputs.toNchw(nhwc, h, w, c);
      try (OnnxTensor in =
              OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), new long[] {1, c, h, w});
          OrtSession.Result r = session.run(Map.of(inputName, in))) {
        FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
        if (out.remaining() != expected.length) {
          throw new IllegalStateException(
              "ONNX output has " + out.remaining() + " values, reference " + expected.length);
        }
        for (double e : expected) {
          worst = Math.max(worst, Math.abs(e - out.get()));
        }
      }
    }
    return worst;
  }
}
