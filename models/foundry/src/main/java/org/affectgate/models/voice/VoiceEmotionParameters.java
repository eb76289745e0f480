package org.affectgate.models.voice;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The trained {@code voice-emotion} coefficients, committed beside the model so that {@code build}
 * is a pure function of committed files; {@code train voice-emotion} rewrites it from EmoDB.
 *
 * @param featureSpec feature-spec id of the input vector ({@code voice-v2})
 * @param features feature names in input order
 * @param labels class labels in output order
 * @param recipe how the coefficients were obtained
 * @param segments training vectors (agent segments)
 * @param utterances EmoDB utterances they came from
 * @param mean per-feature mean
 * @param scale per-feature standard deviation
 * @param weights {@code [features][classes]}
 * @param bias {@code [classes]}
 */
@JsonPropertyOrder({
  "featureSpec",
  "features",
  "labels",
  "recipe",
  "segments",
  "utterances",
  "mean",
  "scale",
  "weights",
  "bias"
})
public record VoiceEmotionParameters(
    String featureSpec,
    List<String> features,
    List<String> labels,
    String recipe,
    int segments,
    int utterances,
    double[] mean,
    double[] scale,
    double[][] weights,
    double[] bias) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public SoftmaxModel model() {
    return new SoftmaxModel(mean, scale, weights, bias);
  }

  public static VoiceEmotionParameters read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), VoiceEmotionParameters.class);
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
