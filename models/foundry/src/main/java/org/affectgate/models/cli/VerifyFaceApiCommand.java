package org.affectgate.models.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.affectgate.models.eval.FaceExpressionEval;
import org.affectgate.models.face.RgbFacePreprocessing;
import org.affectgate.models.foundry.FaceApiExpression;
import org.affectgate.models.foundry.FixtureInputs;
import org.affectgate.models.foundry.Upstream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code models verify-faceapi}: builds {@code face-expression-faceapi} with the foundry's own
 * manifest reader and graph builder and compares ONNX Runtime's outputs with the face-api.js
 * network run by TF.js ops on the pure-JS CPU backend under node ({@code
 * tfjs-reference/faceapi.mjs}, weights decoded by TF.js itself), on synthetic 112 x 112 RGB images
 * and real faces (read at run time only, resized to 112 x 112 in memory). Both sides get the same
 * raw pixels; each applies its own mean-RGB normalisation.
 */
@Command(
    name = "verify-faceapi",
    mixinStandardHelpOptions = true,
    description = "Compare the ONNX conversion of the face-api expression net with TF.js (node).")
final class VerifyFaceApiCommand implements Callable<Integer> {
  private static final int S = RgbFacePreprocessing.SIZE;

  @Option(
      names = "--node-script",
      required = true,
      description = "Path of tfjs-reference/faceapi.mjs.")
  Path script;

  @Mixin TfjsReference.Options options;

  @Override
  public Integer call() throws Exception {
    ModelProto onnx = FaceApiExpression.build(options.upstream);
    List<int[]> images = new ArrayList<>();
    for (float[] nhwc : FixtureInputs.generate(options.count, S, S, 3, 15L)) {
      int[] px = new int[S * S];
      for (int i = 0; i < px.length; i++) {
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          rgb = rgb << 8 | (int) Math.round((nhwc[i * 3 + c] + 1) * 127.5);
        }
        px[i] = rgb;
      }
      images.add(px);
    }
    int synthetic = images.size();
    images.addAll(realFaces());
    float[] tfjs = runTfjs(images);
    double maxDiff = 0;
    int agree = 0;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session =
          OrtEnvironment.getEnvironment().createSession(onnx.toByteArray(), opts)) {
        for (int n = 0; n < images.size(); n++) {
          float[] ort = run(session, RgbFacePreprocessing.fromRgb(images.get(n), S, S));
          float[] ref = new float[7];
          for (int k = 0; k < 7; k++) {
            // TF.js gives face-api's class order; the ONNX graph the shipped one
            int src = FaceApiExpression.UPSTREAM_LABELS.indexOf(upstreamName(k));
            ref[k] = tfjs[n * 7 + src];
            maxDiff = Math.max(maxDiff, Math.abs(ort[k] - ref[k]));
          }
          agree += FaceExpressionEval.argmax(ort) == FaceExpressionEval.argmax(ref) ? 1 : 0;
        }
      }
    }
    System.out.printf(
        "face-api expression net (%s) on %d inputs (%d synthetic, %d real faces):%n",
        Upstream.FACE_API_EXPRESSION_MANIFEST.path(),
        images.size(),
        synthetic,
        images.size() - synthetic);
    System.out.printf(
        "  ONNX Runtime (foundry conversion) vs TF.js pure-JS CPU: max abs diff %.3g%n", maxDiff);
    System.out.printf("  top-1 agreement: %d/%d%n", agree, images.size());
    boolean ok = maxDiff <= VerifyCommand.TOLERANCE && agree == images.size();
    System.out.println(ok ? "verify-faceapi: OK" : "verify-faceapi: FAILED");
    return ok ? 0 : 1;
  }

  private static String upstreamName(int shipped) {
    return switch (FaceApiExpression.LABELS.get(shipped)) {
      case "fear" -> "fearful";
      case "disgust" -> "disgusted";
      case "surprise" -> "surprised";
      default -> FaceApiExpression.LABELS.get(shipped);
    };
  }

  private List<int[]> realFaces() throws IOException {
    List<int[]> out = new ArrayList<>();
    for (BufferedImage img : TfjsReference.faces(options.faces, options.count)) {
      BufferedImage small = new BufferedImage(S, S, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = small.createGraphics();
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(img, 0, 0, S, S, null);
      g.dispose();
      out.add(small.getRGB(0, 0, S, S, null, 0, S));
    }
    return out;
  }

  private float[] runTfjs(List<int[]> images) throws IOException, InterruptedException {
    ByteBuffer buf = TfjsReference.buffer(images.size() * S * S * 3);
    for (int[] px : images) {
      for (int p : px) {
        buf.putFloat((p >> 16) & 0xFF).putFloat((p >> 8) & 0xFF).putFloat(p & 0xFF);
      }
    }
    return TfjsReference.run(
        options.node,
        script,
        Upstream.FACE_API_EXPRESSION_MANIFEST.verifiedIn(options.upstream),
        buf,
        images.size(),
        7,
        10,
        "tfjs-faceapi");
  }

  private static float[] run(OrtSession session, float[] nchw) throws Exception {
    try (OnnxTensor in =
            OnnxTensor.createTensor(
                OrtEnvironment.getEnvironment(), FloatBuffer.wrap(nchw), new long[] {1, 3, S, S});
        OrtSession.Result r = session.run(Map.of(FaceApiExpression.INPUT, in))) {
      return ((float[][]) r.get(0).getValue())[0];
    }
  }
}
