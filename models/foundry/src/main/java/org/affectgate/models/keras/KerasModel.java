package org.affectgate.models.keras;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Keras 2 functional model with one input and one output, layers in the topological order of its
 * {@code model_config}.
 *
 * @param layers all layers, each after the layers it reads
 * @param inputLayer name of the {@code InputLayer}
 * @param outputLayer name of the layer whose output is the model output
 * @param kerasVersion the {@code keras_version} attribute of the file (for provenance)
 */
public record KerasModel(
    List<KerasLayer> layers, String inputLayer, String outputLayer, String kerasVersion) {

  public KerasModel {
    layers = List.copyOf(layers);
  }

  /** Returns the layer called {@code name}. */
  public KerasLayer layer(String name) {
    for (KerasLayer l : layers) {
      if (l.name().equals(name)) {
        return l;
      }
    }
    throw new IllegalArgumentException("no layer '" + name + "'");
  }

  /** Returns, for every layer name, the layers that read its output, in model order. */
  public Map<String, List<String>> consumers() {
    Map<String, List<String>> out = new HashMap<>();
    for (KerasLayer l : layers) {
      out.putIfAbsent(l.name(), new ArrayList<>());
      for (String in : l.inbound()) {
        out.computeIfAbsent(in, k -> new ArrayList<>()).add(l.name());
      }
    }
    return out;
  }

  /** Total number of weight values (all layers). */
  public long parameterCount() {
    long n = 0;
    for (KerasLayer l : layers) {
      for (var w : l.weights()) {
        n += w.size();
      }
    }
    return n;
  }
}
