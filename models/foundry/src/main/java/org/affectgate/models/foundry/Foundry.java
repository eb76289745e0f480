package org.affectgate.models.foundry;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelManifest;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.TensorSpec;
import org.affectgate.models.calibration.TemperatureRecord;
import org.affectgate.models.keras.KerasImportException;
import org.affectgate.models.quant.ActivationRanges;
import org.affectgate.models.stress.HrvStress;
import org.affectgate.models.stress.HrvStressParameters;
import org.affectgate.models.voice.VoiceEmotion;
import org.affectgate.models.voice.VoiceEmotionParameters;

/**
 * Builds every shipped model from the upstream weights, deterministically: the same upstream files
 * give byte-identical ONNX files and manifest on every run and machine (no timestamps, no random
 * names, fixed orders). Stateless; not meant for concurrent builds into the same directory.
 */
public final class Foundry {
  /** File name of the manifest inside the output directory. */
  public static final String MANIFEST = "manifest.json";

  /** A built model: its manifest entry and the file's bytes. */
  public record Artifact(ModelEntry entry, byte[] bytes) {}

  /**
   * Everything a build produces.
   *
   * @param artifacts the models, in manifest order
   * @param sideFiles other files written beside them (path relative to the output directory to
   *     bytes), e.g. the calibration ranges the int8 models were built from
   */
  public record Build(List<Artifact> artifacts, Map<String, byte[]> sideFiles) {}

  private Foundry() {}

  /**
   * Converts all shipped models.
   *
   * @param upstreamDir the {@code upstream-models} directory (see {@code ../shared/README.md})
   * @param calibrationDir the models directory holding committed calibration ranges ({@value
   *     FaceExpression#CALIBRATION}), trained coefficients ({@value HrvStress#PARAMETERS}) and
   *     fitted confidence temperatures ({@code <name>/temperature.json})
   * @throws IOException if an upstream file is missing or differs from its pinned checksum
   * @throws KerasImportException if a Keras file cannot be converted
   */
  public static Build buildAll(Path upstreamDir, Path calibrationDir)
      throws IOException, KerasImportException {
    List<Artifact> out = new ArrayList<>();
    Map<String, byte[]> side = new TreeMap<>();
    out.add(FaceDetector.artifact(upstreamDir));
    ModelProto face =
        FaceExpression.toOnnx(FaceExpression.readKeras(upstreamDir), FaceExpression.UPSTREAM);
    out.add(
        artifact(
            face,
            FaceExpression.NAME,
            FaceExpression.VERSION,
            FaceExpression.PREPROCESSING,
            FaceExpression.LABELS,
            null));
    Path calibration = calibrationDir.resolve(FaceExpression.CALIBRATION);
    if (!Files.isRegularFile(calibration)) {
      throw new IOException(
          "calibration ranges not found: " + calibration + " (run `models calibrate`)");
    }
    side.put(FaceExpression.CALIBRATION, Files.readAllBytes(calibration));
    out.add(
        artifact(
            FaceExpression.toInt8(face, ActivationRanges.read(calibration)),
            FaceExpression.INT8_NAME,
            FaceExpression.VERSION,
            FaceExpression.PREPROCESSING,
            FaceExpression.LABELS,
            null));
    out.addAll(faceApiArtifacts(upstreamDir, calibrationDir, side));
    Path stress = calibrationDir.resolve(HrvStress.PARAMETERS);
    if (!Files.isRegularFile(stress)) {
      throw new IOException(
          "hrv-stress coefficients not found: " + stress + " (run `models train hrv-stress`)");
    }
    HrvStressParameters stressParameters = HrvStressParameters.read(stress);
    side.put(HrvStress.PARAMETERS, stressParameters.toBytes());
    out.add(HrvStress.artifact(stressParameters));
    Path voice = calibrationDir.resolve(VoiceEmotion.PARAMETERS);
    if (!Files.isRegularFile(voice)) {
      throw new IOException(
          "voice-emotion coefficients not found: " + voice + " (run `models train voice-emotion`)");
    }
    VoiceEmotionParameters voiceParameters = VoiceEmotionParameters.read(voice);
    side.put(VoiceEmotion.PARAMETERS, voiceParameters.toBytes());
    out.add(VoiceEmotion.artifact(voiceParameters));
    List<Artifact> calibrated = new ArrayList<>();
    for (Artifact a : out) {
      calibrated.add(withTemperature(a, calibrationDir, side));
    }
    return new Build(List.copyOf(calibrated), side);
  }

  /** The face-api.js expression net, fp32 and int8 (from its committed calibration ranges). */
  private static List<Artifact> faceApiArtifacts(
      Path upstreamDir, Path calibrationDir, Map<String, byte[]> side) throws IOException {
    ModelProto fp32 = FaceApiExpression.build(upstreamDir);
    Path ranges = calibrationDir.resolve(FaceApiExpression.CALIBRATION);
    if (!Files.isRegularFile(ranges)) {
      throw new IOException(
          "calibration ranges not found: "
              + ranges
              + " (run `models calibrate "
              + FaceApiExpression.NAME
              + "`)");
    }
    side.put(FaceApiExpression.CALIBRATION, Files.readAllBytes(ranges));
    return List.of(
        artifact(
            fp32,
            FaceApiExpression.NAME,
            FaceApiExpression.VERSION,
            FaceApiExpression.PREPROCESSING,
            FaceApiExpression.LABELS,
            null),
        artifact(
            FaceApiExpression.toInt8(fp32, ActivationRanges.read(ranges)),
            FaceApiExpression.INT8_NAME,
            FaceApiExpression.VERSION,
            FaceApiExpression.PREPROCESSING,
            FaceApiExpression.LABELS,
            null));
  }

  /**
   * {@code a} with the confidence calibration of its committed {@code <name>/temperature.json},
   * which also goes into the side files; {@code a} unchanged when there is none.
   *
   * @throws IOException if the record was fitted for another file than the one just built
   */
  static Artifact withTemperature(Artifact a, Path modelsDir, Map<String, byte[]> side)
      throws IOException {
    String name = a.entry().name();
    Path file = modelsDir.resolve(TemperatureRecord.path(name));
    if (!Files.isRegularFile(file)) {
      return a;
    }
    TemperatureRecord r = TemperatureRecord.read(file);
    if (!r.model().equals(name) || !r.modelSha256().equals(a.entry().sha256())) {
      throw new IOException(
          file
              + " was fitted for "
              + r.model()
              + " sha256 "
              + r.modelSha256()
              + ", but the build produces "
              + name
              + " sha256 "
              + a.entry().sha256()
              + ": the model changed, so its temperature must be fitted again (remove the file, run"
              + " `models build`, `models fit-temperature "
              + name
              + "`, `models build` again, and commit)");
    }
    side.put(TemperatureRecord.path(name), r.toBytes());
    return new Artifact(a.entry().withCalibration(r.calibration()), a.bytes());
  }

  /**
   * Writes each artifact to {@code outDir/<entry.file>} and the manifest to {@code
   * outDir/manifest.json}, replacing existing files atomically where the file system allows.
   *
   * @return the manifest written
   */
  public static ModelManifest write(Build build, Path outDir) throws IOException {
    for (Map.Entry<String, byte[]> f : build.sideFiles().entrySet()) {
      Path target = outDir.resolve(f.getKey());
      if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), f.getValue())) {
        replace(target, f.getValue());
      }
    }
    List<ModelEntry> entries = new ArrayList<>();
    for (Artifact a : build.artifacts()) {
      replace(outDir.resolve(a.entry().file()), a.bytes());
      entries.add(a.entry());
    }
    ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT_VERSION, entries);
    replace(outDir.resolve(MANIFEST), manifest.toJson().getBytes(StandardCharsets.UTF_8));
    return manifest;
  }

  /** Describes a converted model for the manifest: I/O from its graph, size and checksum. */
  public static Artifact artifact(
      ModelProto model,
      String name,
      String version,
      String preprocessing,
      List<String> labels,
      String featureSpec) {
    return artifact(model.toByteArray(), model, name, version, preprocessing, labels, featureSpec);
  }

  /** As {@link #artifact(ModelProto, String, String, String, List, String)} for given bytes. */
  public static Artifact artifact(
      byte[] bytes,
      ModelProto model,
      String name,
      String version,
      String preprocessing,
      List<String> labels,
      String featureSpec) {
    java.util.Set<String> initializers = new java.util.HashSet<>();
    model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
    List<ValueInfoProto> inputs =
        model.getGraph().getInputList().stream()
            .filter(v -> !initializers.contains(v.getName()))
            .toList();
    ModelEntry entry =
        new ModelEntry(
            name,
            version,
            name + "/" + name + ".onnx",
            bytes.length,
            ModelRegistry.sha256(bytes),
            specs(inputs),
            specs(model.getGraph().getOutputList()),
            preprocessing,
            labels,
            featureSpec);
    return new Artifact(entry, bytes);
  }

  private static List<TensorSpec> specs(List<ValueInfoProto> values) {
    List<TensorSpec> specs = new ArrayList<>();
    for (ValueInfoProto v : values) {
      var t = v.getType().getTensorType();
      List<Long> shape = new ArrayList<>();
      for (TensorShapeProto.Dimension d : t.getShape().getDimList()) {
        shape.add(d.hasDimValue() ? d.getDimValue() : -1L);
      }
      specs.add(new TensorSpec(v.getName(), dtype(t.getElemType()), shape));
    }
    return specs;
  }

  private static String dtype(int elemType) {
    return switch (TensorProto.DataType.forNumber(elemType)) {
      case FLOAT -> "float32";
      case DOUBLE -> "float64";
      case INT8 -> "int8";
      case UINT8 -> "uint8";
      case INT32 -> "int32";
      case INT64 -> "int64";
      default -> throw new IllegalArgumentException("unsupported graph I/O type " + elemType);
    };
  }

  private static void replace(Path target, byte[] bytes) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
