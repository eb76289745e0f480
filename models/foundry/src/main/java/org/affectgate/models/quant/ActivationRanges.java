package org.affectgate.models.quant;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Calibrated value ranges of the activation tensors of one model: the input of {@link
 * QdqQuantizer}, kept in a file beside the quantized model so that the build is a pure function of
 * committed files (calibration runs ONNX Runtime, whose last bits may differ between CPUs).
 *
 * @param model name of the fp32 model the ranges were measured on
 * @param samples how many calibration inputs were run
 * @param selection how the calibration inputs were chosen (for reproduction)
 * @param method how a range is derived from the observed values, e.g. {@code minmax}
 * @param ranges tensor name to {min, max}, sorted by name
 */
@JsonPropertyOrder({"model", "samples", "selection", "method", "ranges"})
public record ActivationRanges(
    String model, int samples, String selection, String method, Map<String, float[]> ranges) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ActivationRanges {
    ranges = new TreeMap<>(ranges);
    for (Map.Entry<String, float[]> e : ranges.entrySet()) {
      float[] r = e.getValue();
      if (r == null
          || r.length != 2
          || !(r[0] <= r[1])
          || !Float.isFinite(r[0])
          || !Float.isFinite(r[1])) {
        throw new IllegalArgumentException(
            "ranges." + e.getKey() + " must be [min, max] with finite min <= max");
      }
    }
  }

  /** {min, max} of {@code tensor}. */
  public float[] range(String tensor) {
    float[] r = ranges.get(tensor);
    if (r == null) {
      throw new IllegalArgumentException("no calibrated range for tensor '" + tensor + "'");
    }
    return r.clone();
  }

  public static ActivationRanges read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), ActivationRanges.class);
  }

  public void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, JSON.writeValueAsString(this).replace("\r\n", "\n") + "\n");
  }
}
