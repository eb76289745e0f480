package org.affectgate.models.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.affectgate.models.tensor.FloatTensor;

/**
 * One layer of a Keras 2 functional model: its class, configuration, inbound layers and weights.
 *
 * @param className Keras class, e.g. {@code Conv2D}
 * @param name unique layer name
 * @param config the layer's {@code config} object from {@code model_config}
 * @param inbound names of the layers feeding this one, in order (single-node layers only)
 * @param weights the layer's weights in Keras order (for example kernel then bias; gamma, beta,
 *     moving mean, moving variance), with their HDF5 shapes unchanged
 */
public record KerasLayer(
    String className,
    String name,
    JsonNode config,
    List<String> inbound,
    List<FloatTensor> weights) {

  public KerasLayer {
    inbound = List.copyOf(inbound);
    weights = List.copyOf(weights);
  }

  /** Returns a string setting, or {@code fallback} when absent or null. */
  public String text(String key, String fallback) {
    JsonNode v = config.get(key);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  /** Returns a boolean setting, or {@code fallback} when absent or null. */
  public boolean flag(String key, boolean fallback) {
    JsonNode v = config.get(key);
    return v == null || v.isNull() ? fallback : v.asBoolean();
  }

  /** Returns a numeric setting, or {@code fallback} when absent or null. */
  public double number(String key, double fallback) {
    JsonNode v = config.get(key);
    return v == null || v.isNull() ? fallback : v.asDouble();
  }

  /**
   * Returns a two-element integer setting such as {@code kernel_size} or {@code strides}.
   *
   * @throws KerasImportException if it is present but not a pair of integers
   */
  public int[] pair(String key, int[] fallback) throws KerasImportException {
    JsonNode v = config.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (v.isInt()) {
      return new int[] {v.asInt(), v.asInt()};
    }
    if (!v.isArray() || v.size() != 2 || !v.get(0).isInt() || !v.get(1).isInt()) {
      throw new KerasImportException("layer '" + name + "': " + key + " must be two integers");
    }
    return new int[] {v.get(0).asInt(), v.get(1).asInt()};
  }

  /** Returns weight {@code index}, failing with the layer name when it is missing. */
  public FloatTensor weight(int index, String what) throws KerasImportException {
    if (index >= weights.size()) {
      throw new KerasImportException(
          "layer '" + name + "' has " + weights.size() + " weights; " + what + " is missing");
    }
    return weights.get(index);
  }
}
