package org.affectgate.models.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.affectgate.models.face.RgbFacePreprocessing;

/**
 * Whole-image inputs of the face-api expression model (preprocessing {@value
 * RgbFacePreprocessing#ID}) for int8 calibration: the same rows of {@code labels.csv} as the
 * mini-XCEPTION calibration ({@link FaceExpressionEval#CALIBRATION_STRIDE}), read at run time and
 * never written anywhere. Stateless.
 */
public final class RgbFaceInputs {
  /** How calibration rows are chosen, in words, for the calibration record. */
  public static final String CALIBRATION_SELECTION =
      "faces-eval labels.csv data rows 0, 10, 20, ... (every 10th), whole image, "
          + RgbFacePreprocessing.ID;

  private RgbFaceInputs() {}

  /** Model inputs of the calibration rows; rows whose image cannot be decoded are left out. */
  public static List<float[]> calibrationInputs(Path dataDir) throws IOException {
    List<String> lines = Files.readAllLines(dataDir.resolve("labels.csv"));
    List<float[]> out = new ArrayList<>();
    for (int row = 0; row + 1 < lines.size(); row += FaceExpressionEval.CALIBRATION_STRIDE) {
      String image = lines.get(row + 1).split(",")[0].trim();
      BufferedImage img;
      try {
        img = ImageIO.read(dataDir.resolve("images").resolve(image).toFile());
      } catch (IOException | RuntimeException e) {
        img = null;
      }
      if (img != null) {
        out.add(input(img));
      }
    }
    return out;
  }

  /**
   * Whole-image evaluation of a model in preprocessing {@value RgbFacePreprocessing#ID} on a {@code
   * faces-eval}-style folder (no detector: face-api's own pipeline on these tight crops);
   * undecodable images and labels outside the model's classes are counted as skipped.
   */
  public static FaceExpressionEval.Result evaluate(
      org.affectgate.models.LoadedModel model, Path dataDir)
      throws IOException, ai.onnxruntime.OrtException {
    List<String> labels = model.entry().labels();
    ClassificationReport report = new ClassificationReport(labels);
    int undecodable = 0;
    int unknown = 0;
    List<String> lines = Files.readAllLines(dataDir.resolve("labels.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] cols = line.split(",");
      if (cols.length < 2) {
        continue;
      }
      int truth = labels.indexOf(cols[1].trim());
      if (truth < 0) {
        unknown++;
        continue;
      }
      BufferedImage img;
      try {
        img = ImageIO.read(dataDir.resolve("images").resolve(cols[0].trim()).toFile());
      } catch (IOException | RuntimeException e) {
        img = null;
      }
      if (img == null) {
        undecodable++;
        continue;
      }
      report.add(truth, FaceExpressionEval.argmax(model.infer(input(img))));
    }
    return new FaceExpressionEval.Result(report, undecodable, unknown);
  }

  /** The whole image as the model's input (black padding to a square, resize, mean RGB). */
  public static float[] input(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    return RgbFacePreprocessing.fromRgb(img.getRGB(0, 0, w, h, null, 0, w), w, h);
  }
}
