package org.affectgate.models;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.affectgate.models.ModelLoadException.Reason;

/**
 * Loads models only through the manifest, and only when they are exactly what it declares.
 *
 * <p>{@link #load} reads the file once into memory, checks its size and SHA-256 against the
 * manifest, builds the ONNX Runtime session from those same verified bytes (so the file cannot
 * change between check and use), then compares the session's real inputs and outputs (names,
 * element types, shapes) and the caller's preprocessing / feature-spec ids with the manifest. Any
 * difference is refused with a {@link ModelLoadException} whose reason and message say what
 * differs. Sessions use {@link ModelRuntimeConfig#intraOpThreads()} intra-op threads and one
 * inter-op thread.
 *
 * <p>Thread-safe: the registry is immutable after {@link #open}; {@link #load} may be called from
 * any thread and blocks for file I/O and session creation (tens of milliseconds), so call it from a
 * worker thread, never from an event loop.
 */
public final class ModelRegistry {
  private final ModelRuntimeConfig config;
  private final ModelManifest manifest;
  private final Path baseDir;

  private ModelRegistry(ModelRuntimeConfig config, ModelManifest manifest) {
    this.config = config;
    this.manifest = manifest;
    Path parent = config.manifest().toAbsolutePath().getParent();
    this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
  }

  /**
   * Reads and validates the manifest named by {@code config}.
   *
   * @throws ModelLoadException ({@link Reason#MANIFEST_INVALID}) if it cannot be read or is invalid
   */
  public static ModelRegistry open(ModelRuntimeConfig config) throws ModelLoadException {
    return new ModelRegistry(config, ModelManifest.read(config.manifest()));
  }

  public ModelManifest manifest() {
    return manifest;
  }

  /** Absolute path of the file of {@code entry}. */
  public Path fileOf(ModelEntry entry) {
    return baseDir.resolve(entry.file()).normalize();
  }

  /**
   * Verifies and opens a model.
   *
   * @return an open model; the caller must close it
   * @throws ModelLoadException if the model is not in the manifest, its file is missing, truncated
   *     or altered, ONNX Runtime cannot read it, or its I/O or the requirement's ids differ from
   *     the manifest
   */
  public LoadedModel load(ModelRequirement requirement) throws ModelLoadException {
    String name = requirement.name();
    ModelEntry entry =
        manifest
            .find(name)
            .orElseThrow(
                () ->
                    new ModelLoadException(
                        Reason.NOT_IN_MANIFEST,
                        name,
                        "no such model in " + config.manifest() + "; it lists " + names()));
    checkIds(requirement, entry);
    byte[] bytes = readVerified(entry);
    OrtSession session = createSession(entry, bytes);
    try {
      checkIo(entry, session);
    } catch (ModelLoadException | RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
    return new LoadedModel(entry, OrtEnvironment.getEnvironment(), session);
  }

  private List<String> names() {
    return manifest.models().stream().map(ModelEntry::name).toList();
  }

  private static void checkIds(ModelRequirement req, ModelEntry entry) throws ModelLoadException {
    if (req.preprocessing().isPresent()
        && !req.preprocessing().get().equals(entry.preprocessing())) {
      throw new ModelLoadException(
          Reason.PREPROCESSING_MISMATCH,
          entry.name(),
          "caller prepares inputs as '"
              + req.preprocessing().get()
              + "' but the model expects '"
              + entry.preprocessing()
              + "'");
    }
    if (req.featureSpec().isPresent() && !req.featureSpec().get().equals(entry.featureSpec())) {
      throw new ModelLoadException(
          Reason.FEATURE_SPEC_MISMATCH,
          entry.name(),
          "caller extracts features '"
              + req.featureSpec().get()
              + "' but the model was trained on '"
              + entry.featureSpec()
              + "'");
    }
  }

  private byte[] readVerified(ModelEntry entry) throws ModelLoadException {
    Path file = fileOf(entry);
    byte[] bytes;
    try {
      if (!Files.isRegularFile(file)) {
        throw new NoSuchFileException(file.toString());
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ModelLoadException(
          Reason.FILE_MISSING, entry.name(), "model file not found: " + file, e);
    } catch (IOException e) {
      throw new ModelLoadException(
          Reason.FILE_MISSING, entry.name(), "cannot read " + file + ": " + e, e);
    }
    if (bytes.length != entry.bytes()) {
      String what =
          bytes.length < entry.bytes()
              ? "truncated: " + bytes.length + " of " + entry.bytes() + " bytes"
              : "is " + bytes.length + " bytes, manifest says " + entry.bytes();
      throw new ModelLoadException(Reason.SIZE_MISMATCH, entry.name(), file + " " + what);
    }
    String actual = sha256(bytes);
    if (!actual.equals(entry.sha256())) {
      throw new ModelLoadException(
          Reason.CHECKSUM_MISMATCH,
          entry.name(),
          file + " has sha256 " + actual + ", manifest says " + entry.sha256());
    }
    return bytes;
  }

  private OrtSession createSession(ModelEntry entry, byte[] bytes) throws ModelLoadException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(config.intraOpThreads());
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return OrtEnvironment.getEnvironment().createSession(bytes, options);
    } catch (OrtException e) {
      throw new ModelLoadException(
          Reason.UNREADABLE_MODEL,
          entry.name(),
          "ONNX Runtime cannot load " + fileOf(entry) + ": " + e.getMessage(),
          e);
    }
  }

  private static void checkIo(ModelEntry entry, OrtSession session) throws ModelLoadException {
    List<String> problems = new ArrayList<>();
    try {
      compare("input", entry.inputs(), session.getInputInfo(), problems);
      compare("output", entry.outputs(), session.getOutputInfo(), problems);
    } catch (OrtException e) {
      throw new ModelLoadException(
          Reason.UNREADABLE_MODEL, entry.name(), "cannot query I/O: " + e.getMessage(), e);
    }
    if (!problems.isEmpty()) {
      throw new ModelLoadException(
          Reason.IO_SPEC_MISMATCH, entry.name(), String.join("; ", problems));
    }
  }

  /** Appends every difference between the declared and the actual tensors to {@code problems}. */
  static void compare(
      String kind, List<TensorSpec> declared, Map<String, NodeInfo> actual, List<String> problems) {
    List<String> declaredNames = declared.stream().map(TensorSpec::name).toList();
    for (String name : actual.keySet()) {
      if (!declaredNames.contains(name)) {
        problems.add("model has undeclared " + kind + " '" + name + "'");
      }
    }
    for (TensorSpec spec : declared) {
      NodeInfo info = actual.get(spec.name());
      if (info == null) {
        problems.add(
            "declared " + kind + " '" + spec.name() + "' is not in the model " + actual.keySet());
        continue;
      }
      if (!(info.getInfo() instanceof TensorInfo tensor)) {
        problems.add(kind + " '" + spec.name() + "' is not a tensor: " + info.getInfo());
        continue;
      }
      String dtype = dtypeOf(tensor);
      if (!spec.dtype().equals(dtype)) {
        problems.add(
            kind + " '" + spec.name() + "' is " + dtype + ", manifest says " + spec.dtype());
      }
      List<Long> shape = Arrays.stream(tensor.getShape()).boxed().toList();
      if (!spec.shape().equals(shape)) {
        problems.add(
            kind + " '" + spec.name() + "' has shape " + shape + ", manifest says " + spec.shape());
      }
    }
  }

  /** Manifest dtype name of an ONNX Runtime tensor, e.g. {@code float32}. */
  public static String dtypeOf(TensorInfo tensor) {
    return switch (tensor.onnxType) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> "float32";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> "float64";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> "float16";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> "int8";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> "uint8";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> "int16";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> "int32";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> "int64";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> "bool";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> "string";
      default -> tensor.onnxType.name().toLowerCase(Locale.ROOT);
    };
  }

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException ignored) {
      // the load already failed; the original error is the one to report
    }
  }
}
