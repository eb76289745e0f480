package org.affectgate.models.stress;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The trained {@code hrv-stress} coefficients, kept in a committed file beside the model so that
 * {@code build} is a pure function of committed files; {@code train hrv-stress} rewrites it from
 * the dataset (bit-identically: training is deterministic).
 *
 * @param featureSpec feature-spec id of the input vector
 * @param features feature names in input order
 * @param recipe how the training windows were made (source, window, baseline, penalty)
 * @param windows training windows
 * @param stressWindows of which labelled stress
 * @param participants participants trained on
 * @param mean see {@link LogisticModel#mean()}
 * @param scale see {@link LogisticModel#scale()}
 * @param weights see {@link LogisticModel#weights()}
 * @param bias see {@link LogisticModel#bias()}
 */
@JsonPropertyOrder({
  "featureSpec",
  "features",
  "recipe",
  "windows",
  "stressWindows",
  "participants",
  "mean",
  "scale",
  "weights",
  "bias"
})
public record HrvStressParameters(
    String featureSpec,
    List<String> features,
    String recipe,
    int windows,
    int stressWindows,
    List<String> participants,
    double[] mean,
    double[] scale,
    double[] weights,
    double bias) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public LogisticModel model() {
    return new LogisticModel(mean, scale, weights, bias);
  }

  public static HrvStressParameters read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), HrvStressParameters.class);
  }

  /** The canonical file content ('\n' line ends). */
  public byte[] toBytes() throws IOException {
    return (JSON.writeValueAsString(this).replace("\r\n", "\n") + "\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  public void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, toBytes());
  }
}
