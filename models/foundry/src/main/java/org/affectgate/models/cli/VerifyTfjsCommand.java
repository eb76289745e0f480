package org.affectgate.models.cli;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.affectgate.models.eval.FaceExpressionEval;
import org.affectgate.models.foundry.FaceExpression;
import org.affectgate.models.foundry.FixtureInputs;
import org.affectgate.models.foundry.KerasEquivalence;
import org.affectgate.models.foundry.Upstream;
import org.affectgate.models.keras.KerasH5Reader;
import org.affectgate.models.keras.KerasModel;
import org.affectgate.models.keras.KerasReferenceForward;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code models verify-tfjs}: converts {@code fer2013_big_XCEPTION} with the same Java converter as
 * the shipped model and compares ONNX Runtime's outputs with the independent TF.js graph of the
 * same network ({@code upstream-models/human-emotion}, batch norm folded by Google's converter) run
 * by TF.js's pure-JS CPU backend under node. Real face images are read at run time only.
 */
@Command(
    name = "verify-tfjs",
    mixinStandardHelpOptions = true,
    description = "Compare the Java conversion of big-XCEPTION with the TF.js graph (needs node).")
final class VerifyTfjsCommand implements Callable<Integer> {
  @Option(names = "--node-script", required = true, description = "Path of tfjs-reference/run.mjs.")
  Path script;

  @Mixin TfjsReference.Options options;

  @Override
  public Integer call() throws Exception {
    KerasModel keras = KerasH5Reader.read(Upstream.BIG_XCEPTION.verifiedIn(options.upstream));
    byte[] onnx = FaceExpression.toOnnx(keras, Upstream.BIG_XCEPTION.path()).toByteArray();
    List<float[]> inputs = new ArrayList<>(FixtureInputs.generate(options.count, 64, 64, 1, 7L));
    int synthetic = inputs.size();
    inputs.addAll(realFaces());
    float[] tfjs = runTfjs(inputs);

    double onnxVsTfjs = 0;
    double refVsTfjs = 0;
    int argmaxAgree = 0;
    KerasReferenceForward reference = new KerasReferenceForward(keras);
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx, opts)) {
        for (int n = 0; n < inputs.size(); n++) {
          float[] ort = runOne(session, inputs.get(n));
          double[] ref = reference.predict(inputs.get(n));
          for (int k = 0; k < 7; k++) {
            float t = tfjs[n * 7 + k];
            onnxVsTfjs = Math.max(onnxVsTfjs, Math.abs(ort[k] - t));
            refVsTfjs = Math.max(refVsTfjs, Math.abs(ref[k] - t));
          }
          argmaxAgree +=
              FaceExpressionEval.argmax(ort)
                      == FaceExpressionEval.argmax(
                          java.util.Arrays.copyOfRange(tfjs, n * 7, n * 7 + 7))
                  ? 1
                  : 0;
        }
        double onnxVsRef =
            KerasEquivalence.maxAbsDiff(keras, session, FaceExpression.INPUT, inputs);
        System.out.printf(
            "big-XCEPTION on %d inputs (%d synthetic, %d real faces):%n",
            inputs.size(), synthetic, inputs.size() - synthetic);
        System.out.printf(
            "  ONNX Runtime (Java conversion) vs TF.js graph: max abs diff %.3g%n", onnxVsTfjs);
        System.out.printf(
            "  Java Keras reference          vs TF.js graph: max abs diff %.3g%n", refVsTfjs);
        System.out.printf(
            "  ONNX Runtime vs Java Keras reference:          max abs diff %.3g%n", onnxVsRef);
        System.out.printf("  top-1 agreement ONNX vs TF.js: %d/%d%n", argmaxAgree, inputs.size());
      }
    }
    boolean ok = onnxVsTfjs <= VerifyCommand.TOLERANCE;
    System.out.println(ok ? "verify-tfjs: OK" : "verify-tfjs: FAILED");
    return ok ? 0 : 1;
  }

  private List<float[]> realFaces() throws IOException {
    List<float[]> out = new ArrayList<>();
    for (BufferedImage img : TfjsReference.faces(options.faces, options.count)) {
      out.add(FaceExpressionEval.input(img, 1.0));
    }
    return out;
  }

  private float[] runTfjs(List<float[]> inputs) throws IOException, InterruptedException {
    ByteBuffer buf = TfjsReference.buffer(inputs.size() * 64 * 64);
    for (float[] a : inputs) {
      for (float v : a) {
        buf.putFloat(v);
      }
    }
    return TfjsReference.run(
        options.node,
        script,
        options.upstream.resolve("human-emotion/emotion.json"),
        buf,
        inputs.size(),
        7,
        5,
        "tfjs-ref",
        "64",
        "64",
        "1");
  }

  private static float[] runOne(OrtSession session, float[] nhwc) throws Exception {
    try (var in =
            ai.onnxruntime.OnnxTensor.createTensor(
                OrtEnvironment.getEnvironment(),
                java.nio.FloatBuffer.wrap(nhwc),
                new long[] {1, 1, 64, 64});
        OrtSession.Result r = session.run(java.util.Map.of(FaceExpression.INPUT, in))) {
      return ((float[][]) r.get(0).getValue())[0];
    }
  }
}
