package org.affectgate.models.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.kiosk.camera.CameraFrame;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import org.affectgate.features.face.FaceAnalyzer;
import org.affectgate.features.face.FrameAnalysis;
import org.affectgate.features.face.VisionConfig;
import org.affectgate.features.face.VisionModels;
import org.affectgate.features.face.YuNetFaceDetector;
import org.affectgate.models.Calibration;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelManifest;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;

/**
 * A shipped face-expression model ({@code face-expression} or {@code face-expression-int8}) on a
 * labelled image folder in the {@code faces-eval} layout ({@code labels.csv} with a header and
 * {@code image,emotion} rows, the images in {@code images/}), without retraining, through the
 * agent's camera path: each file is wrapped as a kiosk camera payload and goes through the MQTT
 * source's parser and frame decoder, then {@link FaceAnalyzer} (YuNet detection, landmark
 * alignment, crop, and the agent's expression classifier with the manifest's calibration applied),
 * with the agent's default vision settings. The highest-scoring face is the prediction; an image
 * without a detected face counts as missed (wrong); a file the decoder rejects is counted and left
 * out. Stateless.
 */
public final class FaceShippedEval {
  private FaceShippedEval() {}

  /** One labelled image of the folder. */
  public record Sample(int line, String image, int label) {}

  /**
   * @param report confusion over decodable images (missed = no face found)
   * @param undecodable files the camera path's decoder rejected
   * @param jpegDecoder the JPEG decoder the camera path ran with
   * @param emitted reliability of the detected faces' emitted (calibrated) confidences
   * @param raw the same before calibration
   * @param calibration the manifest's calibration, or null
   * @param rawProbabilities raw (T = 1) probabilities of each detected face, in sample order
   * @param truths the true class of each of those
   * @param images the image file of each of those
   */
  public record Result(
      String model,
      ClassificationReport report,
      int undecodable,
      String jpegDecoder,
      Reliability emitted,
      Reliability raw,
      Calibration calibration,
      List<float[]> rawProbabilities,
      int[] truths,
      List<String> images) {

    public String toText(String title) {
      long missed = 0;
      for (int c = 0; c < report.labels().size(); c++) {
        missed += report.missed(c);
      }
      StringBuilder b = new StringBuilder();
      b.append(title).append('\n');
      b.append(
          String.format(
              Locale.ROOT,
              "%d images (%d rejected by the frame decoder, JPEG decoder %s), face found in %d"
                  + " (detection rate %.3f)%n"
                  + "accuracy %.3f, macro-F1 %.3f, UAR %.3f (an image without a face counts"
                  + " wrong)%n",
              report.total() + undecodable,
              undecodable,
              jpegDecoder,
              report.total() - missed,
              report.total() == 0
                  ? Double.NaN
                  : (double) (report.total() - missed) / report.total(),
              report.accuracy(),
              report.macroF1(),
              report.unweightedAverageRecall()));
      b.append(report.toTable()).append('\n');
      b.append(Reliability.emittedVsRaw(emitted, raw, calibration));
      return b.toString();
    }
  }

  /**
   * The person an image shows, as far as its file name tells: the name without extension and
   * without a trailing {@code _NNNN} photo number (LFW style, e.g. {@code
   * Gerhard_Schroeder_0088.jpg} is {@code Gerhard_Schroeder}); other names stand for themselves.
   */
  public static String person(String image) {
    int dot = image.lastIndexOf('.');
    String stem = dot > 0 ? image.substring(0, dot) : image;
    return stem.replaceFirst("_\\d+$", "");
  }

  /**
   * Reads and checks {@code labels.csv}.
   *
   * @param labels the model's classes
   * @throws DataFolderException (one line naming the file and line) if the folder, {@code
   *     labels.csv} or {@code images/} is missing, there are no rows, a row is not {@code
   *     image,emotion}, names an emotion outside {@code labels}, or names an image that is not
   *     there
   */
  public static List<Sample> samples(Path dir, List<String> labels) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new DataFolderException(dir + ": no such folder");
    }
    Path csv = dir.resolve("labels.csv");
    if (!Files.isRegularFile(csv) || !Files.isDirectory(dir.resolve("images"))) {
      throw new DataFolderException(
          dir + ": expected labels.csv (image,emotion rows after a header) and images/");
    }
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    List<Sample> out = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String where = csv + " line " + (i + 1);
      String[] cols = line.split(",");
      if (cols.length != 2 || cols[0].isBlank()) {
        throw new DataFolderException(where + ": expected image,emotion (got '" + line + "')");
      }
      String image = cols[0].trim();
      int label = labels.indexOf(cols[1].trim());
      if (label < 0) {
        throw new DataFolderException(
            where + ": emotion '" + cols[1].trim() + "' is not one of " + labels);
      }
      if (!Files.isRegularFile(dir.resolve("images").resolve(image))) {
        throw new DataFolderException(where + ": images/" + image + " not found");
      }
      out.add(new Sample(i + 1, image, label));
    }
    if (out.isEmpty()) {
      throw new DataFolderException(csv + ": no image rows");
    }
    return out;
  }

  /**
   * @param manifest the manifest to load the detector and {@code model} from
   * @param model {@code face-expression} or {@code face-expression-int8}
   * @throws DataFolderException if the folder is unusable (see {@link #samples})
   * @throws ModelLoadException if the manifest refuses a model
   */
  public static Result run(Path manifest, String model, Path dir)
      throws IOException, ModelLoadException {
    return run(manifest, model, dir, false);
  }

  /**
   * As {@link #run(Path, String, Path)}; with {@code uncalibrated}, the two models are run from a
   * temporary copy of their files under a manifest without calibration, so the outputs are exactly
   * the raw ones (fitting a temperature needs them; undoing a float32 calibration could reorder
   * near-ties of the quantised model).
   */
  public static Result run(Path manifest, String model, Path dir, boolean uncalibrated)
      throws IOException, ModelLoadException {
    if (!uncalibrated) {
      return runWith(manifest, model, dir);
    }
    ModelManifest full = ModelRegistry.open(ModelRuntimeConfig.of(manifest)).manifest();
    Path tmp = Files.createTempDirectory("affectgate-uncalibrated");
    try {
      List<ModelEntry> entries = new ArrayList<>();
      for (String name : List.of(YuNetFaceDetector.MODEL, model)) {
        ModelEntry e =
            full.find(name)
                .orElseThrow(
                    () ->
                        new ModelLoadException(
                            ModelLoadException.Reason.NOT_IN_MANIFEST, name, "not in " + manifest));
        Path target = tmp.resolve(e.file());
        Files.createDirectories(target.getParent());
        Files.copy(manifest.toAbsolutePath().getParent().resolve(e.file()), target);
        entries.add(e.withCalibration(null));
      }
      Path copy = tmp.resolve("manifest.json");
      Files.writeString(copy, new ModelManifest(ModelManifest.FORMAT_VERSION, entries).toJson());
      return runWith(copy, model, dir);
    } finally {
      try (var files = Files.walk(tmp)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static Result runWith(Path manifest, String model, Path dir)
      throws IOException, ModelLoadException {
    ModelRuntimeConfig runtime = ModelRuntimeConfig.of(manifest);
    ModelEntry entry =
        ModelRegistry.open(runtime)
            .manifest()
            .find(model)
            .orElseThrow(
                () ->
                    new ModelLoadException(
                        ModelLoadException.Reason.NOT_IN_MANIFEST, model, "not in " + manifest));
    List<String> labels = entry.labels();
    List<Sample> samples = samples(dir, labels);
    Calibration calibration = entry.calibration();
    ClassificationReport report = new ClassificationReport(labels);
    CameraPayloadParser parser = new CameraPayloadParser(CameraLimits.defaults());
    FrameDecoder decoder = FrameDecoder.reusingPlanes();
    List<float[]> emitted = new ArrayList<>();
    List<float[]> raw = new ArrayList<>();
    List<Integer> truths = new ArrayList<>();
    List<String> images = new ArrayList<>();
    int undecodable = 0;
    long seq = 0;
    try (VisionModels models =
        VisionModels.load(runtime, VisionConfig.defaults().withExpressionModel(model))) {
      FaceAnalyzer analyzer = models.analyzer();
      for (Sample s : samples) {
        byte[] file = Files.readAllBytes(dir.resolve("images").resolve(s.image()));
        ParseResult<CameraFrame> frame =
            parser.parse("eval", "eval", CameraPayloadParser.encode(seq++, 0, file));
        if (!(frame instanceof ParseResult.Ok<CameraFrame> ok)
            || !(decoder.decode(ok.value()) instanceof ParseResult.Ok<DecodedImage> image)) {
          undecodable++;
          continue;
        }
        FrameAnalysis a = analyzer.analyze(image.value());
        if (a.faces().isEmpty()) {
          report.addMissed(s.label());
          continue;
        }
        float[] p = a.faces().get(0).probabilities();
        report.add(s.label(), Reliability.argmax(p));
        emitted.add(p);
        raw.add(
            calibration == null ? p : Calibration.apply(p.clone(), 1 / calibration.temperature()));
        truths.add(s.label());
        images.add(s.image());
      }
    } finally {
      decoder.releasePlanes();
    }
    int[] y = truths.stream().mapToInt(Integer::intValue).toArray();
    return new Result(
        model,
        report,
        undecodable,
        decoder.jpegDecoder(),
        Reliability.ofTopClass(emitted, y),
        Reliability.ofTopClass(raw, y),
        calibration,
        List.copyOf(raw),
        y,
        List.copyOf(images));
  }
}
