package org.affectgate.models.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.face.FacePreprocessing;

/**
 * Evaluates the face-expression model on a labelled image folder laid out like {@code faces-eval}:
 * {@code labels.csv} ({@code image,emotion}) and {@code images/}.
 *
 * <p>Without a face detector the crop is fixed: a centred square covering {@code cropFraction} of
 * the shorter side (1.0 = the whole image, squashed to a square if it is not one). This measures
 * the classifier on roughly aligned faces; the detect-align-crop pipeline is evaluated separately.
 * Images that cannot be decoded, and labels outside the model's classes, are counted as skipped.
 */
public final class FaceExpressionEval {
  /** Every {@value}th data row of {@code labels.csv} (0, 10, 20, ...) is used for calibration. */
  public static final int CALIBRATION_STRIDE = 10;

  /** How calibration rows are chosen, in words, for the calibration record. */
  public static final String CALIBRATION_SELECTION =
      "faces-eval labels.csv data rows 0, 10, 20, ... (every 10th), whole image, "
          + FacePreprocessing.ID;

  /** Evaluation outcome: the report plus how many rows were skipped and why. */
  public record Result(ClassificationReport report, int undecodable, int unknownLabel) {}

  private FaceExpressionEval() {}

  /**
   * @param model the loaded face-expression model (input [1,1,64,64], output one probability per
   *     label)
   * @param dataDir folder with {@code labels.csv} and {@code images/}
   * @param cropFraction side of the centred square crop relative to the shorter image side, in (0,
   *     1]
   */
  public static Result evaluate(
      LoadedModel model, Path dataDir, double cropFraction, boolean skipCalibrationRows)
      throws IOException, ai.onnxruntime.OrtException {
    if (!(cropFraction > 0 && cropFraction <= 1)) {
      throw new IllegalArgumentException(
          "cropFraction must be in (0, 1] (got " + cropFraction + ")");
    }
    List<String> labels = model.entry().labels();
    ClassificationReport report = new ClassificationReport(labels);
    int undecodable = 0;
    int unknown = 0;
    List<String> lines = Files.readAllLines(dataDir.resolve("labels.csv"));
    for (int row = 0; row + 1 < lines.size(); row++) {
      if (skipCalibrationRows && row % CALIBRATION_STRIDE == 0) {
        continue;
      }
      String[] cols = lines.get(row + 1).split(",");
      if (cols.length < 2) {
        continue;
      }
      int truth = labels.indexOf(cols[1].trim());
      if (truth < 0) {
        unknown++;
        continue;
      }
      BufferedImage img = read(dataDir.resolve("images").resolve(cols[0].trim()));
      if (img == null) {
        undecodable++;
        continue;
      }
      float[] probabilities = model.infer(input(img, cropFraction));
      report.add(truth, argmax(probabilities));
    }
    return new Result(report, undecodable, unknown);
  }

  /**
   * Model inputs of the calibration rows (see {@link #CALIBRATION_SELECTION}), whole image; rows
   * whose image cannot be decoded are left out.
   */
  public static List<float[]> calibrationInputs(Path dataDir) throws IOException {
    List<String> lines = Files.readAllLines(dataDir.resolve("labels.csv"));
    List<float[]> out = new java.util.ArrayList<>();
    for (int row = 0; row + 1 < lines.size(); row += CALIBRATION_STRIDE) {
      String image = lines.get(row + 1).split(",")[0].trim();
      BufferedImage img = read(dataDir.resolve("images").resolve(image));
      if (img != null) {
        out.add(input(img, 1.0));
      }
    }
    return out;
  }

  /**
   * Model input (preprocessing {@link FacePreprocessing#ID}) from a centred square crop of an
   * image.
   */
  public static float[] input(BufferedImage img, double cropFraction) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] gray = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        gray[y * w + x] = (byte) FacePreprocessing.luma(img.getRGB(x, y));
      }
    }
    if (cropFraction >= 1.0) {
      return FacePreprocessing.fromGray(gray, w, h, 0, 0, w, h);
    }
    int side = Math.max(1, (int) Math.round(Math.min(w, h) * cropFraction));
    return FacePreprocessing.fromGray(gray, w, h, (w - side) / 2, (h - side) / 2, side, side);
  }

  private static BufferedImage read(Path file) {
    try {
      return ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Index of the largest value (the first one on ties). */
  public static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
