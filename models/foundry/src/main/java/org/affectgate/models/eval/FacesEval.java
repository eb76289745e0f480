package org.affectgate.models.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.kiosk.camera.CameraFrame;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import org.affectgate.features.face.ExpressionInput;
import org.affectgate.features.face.FaceAligner;
import org.affectgate.features.face.FaceAnalyzer;
import org.affectgate.features.face.FrameAnalysis;
import org.affectgate.features.face.OnnxExpressionClassifier;
import org.affectgate.features.face.RgbFaceAligner;
import org.affectgate.features.face.VisionConfig;
import org.affectgate.features.face.VisionModels;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRuntimeConfig;

/**
 * Evaluates the agent's own camera path on a labelled folder laid out like {@code faces-eval}
 * ({@code labels.csv} with {@code image,emotion}, and {@code images/}): every file goes through the
 * frame parser and decoder the MQTT source uses, then {@link FaceAnalyzer} (detect → align → crop →
 * expression); the highest-scoring face is the prediction. Prints detection rate, per-class recall,
 * precision and F1, macro-F1 and accuracy for the fp32 and int8 expression models.
 *
 * <p>Usage, from the repository root: {@code models/foundry/foundry.sh --main
 * org.affectgate.models.eval.FacesEval [dataDir] [--manifest models/manifest.json] [--zoom 0.85]
 * [--shift 0] [--model face-expression] [--rgb-zoom 0.8] [--rgb-shift 0]} (the {@code --rgb-*}
 * options set the RGB crop of the face-api models); {@code dataDir} defaults to {@value
 * #DEFAULT_DATA} (the shared datasets beside the repository, as for the other foundry commands).
 * Images are read from there only, in memory, and never copied. A foundry tool: not in the agent's
 * jar.
 */
public final class FacesEval {
  public static final String DEFAULT_DATA = "../shared/datasets/faces-eval";

  private FacesEval() {}

  /** One labelled image: file name under {@code images/} and its label. */
  public record Sample(String file, String label) {}

  public static void main(String[] args) throws IOException, ModelLoadException {
    Path data = Path.of(DEFAULT_DATA);
    Path manifest = Path.of("models/manifest.json");
    double zoom = FaceAligner.DEFAULT_ZOOM;
    double shift = FaceAligner.DEFAULT_SHIFT_Y;
    double rgbZoom = RgbFaceAligner.DEFAULT_ZOOM;
    double rgbShift = RgbFaceAligner.DEFAULT_SHIFT_Y;
    List<String> modelNames =
        List.of(OnnxExpressionClassifier.MODEL_FP32, OnnxExpressionClassifier.MODEL_INT8);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--manifest" -> manifest = Path.of(args[++i]);
        case "--zoom" -> zoom = Double.parseDouble(args[++i]);
        case "--shift" -> shift = Double.parseDouble(args[++i]);
        case "--model" -> modelNames = List.of(args[++i]);
        case "--rgb-zoom" -> rgbZoom = Double.parseDouble(args[++i]);
        case "--rgb-shift" -> rgbShift = Double.parseDouble(args[++i]);
        default -> data = Path.of(args[i]);
      }
    }
    if (!Files.isRegularFile(data.resolve("labels.csv"))) {
      System.err.println("no labels.csv in " + data.toAbsolutePath() + " (pass the data dir)");
      System.exit(2);
    }
    List<Sample> samples = samples(data);
    for (String model : modelNames) {
      VisionConfig config =
          VisionConfig.defaults().withExpressionModel(model).withAlignment(zoom, shift);
      boolean rgb = OnnxExpressionClassifier.takesRgb(model);
      ExpressionInput input =
          rgb ? new RgbFaceAligner(rgbZoom, rgbShift) : new FaceAligner(zoom, shift);
      try (VisionModels models =
          VisionModels.load(ModelRuntimeConfig.of(manifest), config, input)) {
        Result r = evaluate(models.analyzer(), data, samples);
        System.out.print(
            r.scores()
                .table(
                    model
                        + " on "
                        + data
                        + (rgb ? " (RGB align zoom " : " (align zoom ")
                        + (rgb ? rgbZoom : zoom)
                        + ", shift "
                        + (rgb ? rgbShift : shift)
                        + ", "
                        + r.undecodable()
                        + " files rejected by the frame decoder, JPEG decoder "
                        + new FrameDecoder().jpegDecoder()
                        + ")"));
        System.out.println();
      }
    }
  }

  /** Evaluation outcome. */
  public record Result(ExpressionScores scores, int undecodable, int unknownLabel) {}

  /** The rows of {@code data/labels.csv} ({@code image,emotion}), header skipped. */
  public static List<Sample> samples(Path data) throws IOException {
    List<String> lines = Files.readAllLines(data.resolve("labels.csv"));
    List<Sample> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cols = line.split(",");
      if (cols.length >= 2) {
        out.add(new Sample(cols[0].trim(), cols[1].trim()));
      }
    }
    return out;
  }

  /** Runs the camera path over every sample; images the decoder rejects are counted, not scored. */
  public static Result evaluate(FaceAnalyzer analyzer, Path data, List<Sample> samples)
      throws IOException {
    List<String> labels = analyzer.labels();
    ExpressionScores scores = new ExpressionScores(labels);
    CameraPayloadParser parser = new CameraPayloadParser(CameraLimits.defaults());
    FrameDecoder decoder = FrameDecoder.reusingPlanes();
    int undecodable = 0;
    int unknown = 0;
    long seq = 0;
    for (Sample s : samples) {
      int truth = labels.indexOf(s.label());
      if (truth < 0) {
        unknown++;
        continue;
      }
      byte[] file = Files.readAllBytes(data.resolve("images").resolve(s.file()));
      ParseResult<CameraFrame> frame =
          parser.parse("eval", "eval", CameraPayloadParser.encode(seq++, 0, file));
      if (!(frame instanceof ParseResult.Ok<CameraFrame> ok)) {
        undecodable++;
        continue;
      }
      ParseResult<DecodedImage> image = decoder.decode(ok.value());
      if (!(image instanceof ParseResult.Ok<DecodedImage> img)) {
        undecodable++;
        continue;
      }
      FrameAnalysis a = analyzer.analyze(img.value());
      if (a.faces().isEmpty()) {
        scores.addMissed(truth);
      } else {
        scores.add(truth, argmax(a.faces().get(0).probabilities()));
      }
    }
    return new Result(scores, undecodable, unknown);
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
