package org.affectgate.models.foundry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.affectgate.models.face.RgbFacePreprocessing;
import org.affectgate.models.tensor.FloatTensor;
import org.affectgate.models.testing.SharedInputs;
import org.junit.jupiter.api.Test;

/**
 * The face-api conversion's structure; its numerical equivalence with TF.js is checked by {@code
 * models/tfjs-reference/compare-faceapi.sh} (needs node).
 */
class FaceApiExpressionTest {

  @Test
  void labelPermutation_mapsEachShippedClassToTheSameUpstreamClass() {
    for (int c = 0; c < FaceApiExpression.LABELS.size(); c++) {
      String shipped = FaceApiExpression.LABELS.get(c);
      String upstream = FaceApiExpression.UPSTREAM_LABELS.get(FaceApiExpression.FROM_UPSTREAM[c]);
      assertThat(upstream).as("class %d", c).startsWith(shipped.substring(0, 3));
    }
  }

  @Test
  void build_fromUpstream_holdsAllOfTheNetworksParametersAndRunsToProbabilities() throws Exception {
    Map<String, FloatTensor> weights = FaceApiExpression.readWeights(SharedInputs.upstreamModels());
    long upstreamParameters = weights.values().stream().mapToLong(FloatTensor::size).sum();
    ModelProto m = FaceApiExpression.toOnnx(weights);
    long onnxParameters = 0;
    for (TensorProto t : m.getGraph().getInitializerList()) {
      long n = 1;
      for (long d : t.getDimsList()) {
        n *= d;
      }
      onnxParameters += n;
    }
    assertThat(upstreamParameters).isEqualTo(323_687L);
    assertThat(onnxParameters).isEqualTo(upstreamParameters);

    float[] grey = new float[3 * 112 * 112];
    for (int i = 0; i < grey.length; i++) {
      grey[i] = RgbFacePreprocessing.normalize(i / (112 * 112), 128);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(m.toByteArray(), new OrtSession.SessionOptions());
        OnnxTensor x =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(grey), new long[] {1, 3, 112, 112});
        OrtSession.Result r = s.run(Map.of(FaceApiExpression.INPUT, x))) {
      float[] p = ((float[][]) r.get(0).getValue())[0];
      assertThat(p).hasSize(7);
      double sum = 0;
      for (float v : p) {
        sum += v;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-5));
    }
  }
}
