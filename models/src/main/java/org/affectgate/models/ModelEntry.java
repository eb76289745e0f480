package org.affectgate.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One shipped model as the manifest describes it.
 *
 * @param name unique model name, lower-case words joined by '-', e.g. {@code face-expression}
 * @param version version of the artifact (semantic version)
 * @param file path of the ONNX file relative to the manifest's directory, '/'-separated, no '..'
 * @param bytes exact file size in bytes
 * @param sha256 SHA-256 of the file, 64 lower-case hex characters
 * @param inputs the graph's inputs, in graph order
 * @param outputs the graph's outputs, in graph order
 * @param preprocessing id of the input preparation the model expects (documented in its model card)
 * @param labels class labels in output order; empty for models without class outputs
 * @param featureSpec id of the feature-vector spec the model was trained on, or {@code null} for
 *     models fed raw signals (images)
 * @param calibration how to turn the output probabilities into calibrated confidences, or {@code
 *     null} for models whose outputs are used as they are (needs at least two labels; see {@link
 *     LoadedModel#calibrate})
 * @param shadowOf name of another entry this one is a shadow candidate for, or {@code null} for an
 *     ordinary entry: the agent runs a shadow beside the named (active) model on the same inputs,
 *     compares their outputs and never emits the shadow's (see models/README.md, "Model
 *     management"). A shadow must have the active model's labels, preprocessing and feature spec
 */
@JsonPropertyOrder({
  "name",
  "version",
  "file",
  "bytes",
  "sha256",
  "inputs",
  "outputs",
  "preprocessing",
  "labels",
  "featureSpec",
  "calibration",
  "shadowOf"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelEntry(
    String name,
    String version,
    String file,
    long bytes,
    String sha256,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    String preprocessing,
    List<String> labels,
    String featureSpec,
    Calibration calibration,
    String shadowOf) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?");

  public ModelEntry {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be lower-case words joined by '-' (got " + name + ")");
    }
    String where = "model '" + name + "': ";
    if (version == null || !VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException(where + "version must be x.y.z (got " + version + ")");
    }
    if (file == null
        || file.isBlank()
        || file.startsWith("/")
        || file.contains("\\")
        || file.contains(":")
        || List.of(file.split("/")).contains("..")) {
      throw new IllegalArgumentException(
          where + "file must be a relative '/'-separated path without '..' (got " + file + ")");
    }
    if (bytes <= 0) {
      throw new IllegalArgumentException(where + "bytes must be > 0 (got " + bytes + ")");
    }
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          where + "sha256 must be 64 lower-case hex characters (got " + sha256 + ")");
    }
    if (inputs == null || inputs.isEmpty() || outputs == null || outputs.isEmpty()) {
      throw new IllegalArgumentException(where + "inputs and outputs must be non-empty");
    }
    if (preprocessing == null || preprocessing.isBlank()) {
      throw new IllegalArgumentException(where + "preprocessing must be set");
    }
    if (featureSpec != null && featureSpec.isBlank()) {
      throw new IllegalArgumentException(where + "featureSpec must be omitted or non-blank");
    }
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    labels = labels == null ? List.of() : List.copyOf(labels);
    if (calibration != null && labels.size() < 2) {
      throw new IllegalArgumentException(
          where + "calibration needs class probabilities (at least two labels)");
    }
    if (shadowOf != null && (shadowOf.equals(name) || !NAME.matcher(shadowOf).matches())) {
      throw new IllegalArgumentException(
          where + "shadowOf must name another model (got " + shadowOf + ")");
    }
  }

  /** An entry that is not a shadow. */
  public ModelEntry(
      String name,
      String version,
      String file,
      long bytes,
      String sha256,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs,
      String preprocessing,
      List<String> labels,
      String featureSpec,
      Calibration calibration) {
    this(
        name,
        version,
        file,
        bytes,
        sha256,
        inputs,
        outputs,
        preprocessing,
        labels,
        featureSpec,
        calibration,
        null);
  }

  /** An entry without calibration. */
  public ModelEntry(
      String name,
      String version,
      String file,
      long bytes,
      String sha256,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs,
      String preprocessing,
      List<String> labels,
      String featureSpec) {
    this(
        name,
        version,
        file,
        bytes,
        sha256,
        inputs,
        outputs,
        preprocessing,
        labels,
        featureSpec,
        null);
  }

  /** This entry with {@code calibration} (or none, if {@code null}). */
  public ModelEntry withCalibration(Calibration calibration) {
    return new ModelEntry(
        name,
        version,
        file,
        bytes,
        sha256,
        inputs,
        outputs,
        preprocessing,
        labels,
        featureSpec,
        calibration,
        shadowOf);
  }
}
