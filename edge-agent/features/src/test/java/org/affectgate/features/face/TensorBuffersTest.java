package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.models.TensorSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reused input tensors and pinned outputs against a plain ONNX Runtime run (fresh tensors, outputs
 * copied out) of the real models, frame after frame, so a stale buffer would show.
 */
class TensorBuffersTest {
  static VisionModels models;

  @BeforeAll
  static void load() throws Exception {
    Path manifest =
        Path.of(System.getProperty("affectgate.repoRoot", ".."), "models", "manifest.json");
    models =
        VisionModels.load(
            ModelRuntimeConfig.of(manifest),
            VisionConfig.defaults().withExpressionModel(OnnxExpressionClassifier.MODEL_FP32));
  }

  @AfterAll
  static void close() {
    models.close();
  }

  @Test
  void run_detectorOnSuccessiveFixtureFrames_equalsPlainRunOutputs() throws Exception {
    LoadedModel detector = models.detectorModel();
    try (TensorBuffers buffers = new TensorBuffers(detector)) {
      for (String name :
          new String[] {"scene-640x480.jpg", "scene-333x251.jpg", "scene-grey-320x240.jpg"}) {
        float[] input = new float[3 * YuNetInput.SIZE * YuNetInput.SIZE];
        YuNetInput.fill(PreprocessingEquivalenceTest.fixture(name), input, YuNetInput.SIZE);
        TensorBuffers.PerThread b = buffers.get();
        b.input().put(0, input);

        try (OrtSession.Result ignored = b.run()) {
          for (TensorSpec out : detector.entry().outputs()) {
            float[] expected = plainRun(detector, input, out.name());
            FloatBuffer actual = b.output(buffers.outputIndex(out.name()));
            assertThat(actual.limit()).isEqualTo(expected.length);
            float[] values = new float[expected.length];
            actual.get(0, values);
            assertThat(values).as("%s output %s", name, out.name()).containsExactly(expected);
          }
        }
      }
    }
  }

  @Test
  void classify_successiveCrops_equalsPlainInfer() throws Exception {
    LoadedModel expression = models.expressionModel();
    try (OnnxExpressionClassifier classifier = new OnnxExpressionClassifier(expression)) {
      for (int k = 0; k < 3; k++) {
        float[] crop = new float[FaceAligner.SIZE * FaceAligner.SIZE];
        for (int i = 0; i < crop.length; i++) {
          crop[i] = (float) Math.sin(i * 0.01 * (k + 1));
        }
        // the classifier hands on the manifest-calibrated probabilities of the same run
        assertThat(classifier.classify(crop))
            .containsExactly(expression.calibrate(expression.infer(crop)));
      }
    }
  }

  @Test
  void get_afterClose_throwsInsteadOfHandingOutFreedTensors() {
    TensorBuffers buffers = new TensorBuffers(models.detectorModel());
    buffers.get();
    buffers.close();
    assertThatThrownBy(buffers::get)
        .isInstanceOf(VisionException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void outputIndex_unknownName_isMinusOne() {
    try (TensorBuffers buffers = new TensorBuffers(models.detectorModel())) {
      assertThat(buffers.outputIndex("cls_8")).isEqualTo(0);
      assertThat(buffers.outputIndex("no-such-output")).isEqualTo(-1);
    }
  }

  private static float[] plainRun(LoadedModel model, float[] input, String output)
      throws Exception {
    long[] shape =
        model.entry().inputs().get(0).shape().stream().mapToLong(Long::longValue).toArray();
    try (OnnxTensor t =
            OnnxTensor.createTensor(model.environment(), FloatBuffer.wrap(input), shape);
        OrtSession.Result r =
            model.session().run(Map.of(model.entry().inputs().get(0).name(), t))) {
      FloatBuffer fb = ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
      float[] values = new float[fb.remaining()];
      fb.get(values);
      return values;
    }
  }
}
