package org.affectgate.models.keras;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.affectgate.models.foundry.FaceExpression;
import org.affectgate.models.foundry.FixtureInputs;
import org.affectgate.models.testing.SharedInputs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KerasToOnnxEquivalenceTest {
  private static KerasModel keras;
  private static byte[] onnx;

  @BeforeAll
  static void convert() throws Exception {
    keras = FaceExpression.readKeras(SharedInputs.upstreamModels());
    onnx = FaceExpression.toOnnx(keras, FaceExpression.UPSTREAM).toByteArray();
  }

  @Test
  void miniXception_onnxRuntimeMatchesPlainKerasForwardPass_within1e4() throws Exception {
    KerasReferenceForward reference = new KerasReferenceForward(keras);
    List<float[]> inputs = FixtureInputs.generate(10, 64, 64, 1, 20261122L);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    double worst = 0;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(onnx, opts)) {
        for (float[] nhwc : inputs) {
          double[] expected = reference.predict(nhwc);
          float[] actual = run(env, session, FixtureInputs.toNchw(nhwc, 64, 64, 1));
          assertThat(actual).hasSize(7);
          for (int i = 0; i < 7; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
          }
        }
      }
    }
    System.out.printf("mini-XCEPTION ONNX vs Keras reference: max abs diff %.3g%n", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-4);
  }

  static float[] run(OrtEnvironment env, OrtSession session, float[] nchw) throws Exception {
    try (OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), new long[] {1, 1, 64, 64});
        OrtSession.Result r = session.run(Map.of(FaceExpression.INPUT, in))) {
      return ((float[][]) r.get(0).getValue())[0];
    }
  }
}
