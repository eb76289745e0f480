package org.affectgate.models.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.models.tensor.FloatTensor;

/**
 * Reads a Keras 2 HDF5 model file ({@code model.save(...)}): the {@code model_config} JSON
 * attribute and the {@code model_weights} group, in pure Java via jHDF.
 *
 * <p>Only what the file says is returned: weights keep their HDF5 shapes and Keras order, and no
 * layer semantics are applied here. Stateless and thread-safe.
 */
public final class KerasH5Reader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasH5Reader() {}

  /**
   * Reads the model.
   *
   * @throws KerasImportException if the file is missing, is not HDF5, has no functional-model
   *     config, or a layer's weights cannot be found
   */
  public static KerasModel read(Path file) throws KerasImportException {
    if (!Files.isRegularFile(file)) {
      throw new KerasImportException("Keras model file not found: " + file);
    }
    try (HdfFile h5 = new HdfFile(file)) {
      String configJson = stringAttribute(h5, "model_config");
      if (configJson == null) {
        throw new KerasImportException(
            file + " has no model_config attribute (weights-only file?)");
      }
      JsonNode root = JSON.readTree(configJson);
      if (!"Model".equals(root.path("class_name").asText())
          && !"Functional".equals(root.path("class_name").asText())) {
        throw new KerasImportException(
            file + ": only functional models are supported (got " + root.path("class_name") + ")");
      }
      JsonNode config = root.path("config");
      String input = singleEndpoint(config.path("input_layers"), "input_layers", file);
      String output = singleEndpoint(config.path("output_layers"), "output_layers", file);
      Node weightsNode = h5.getChild("model_weights");
      Group weightsRoot = weightsNode instanceof Group g ? g : h5;
      List<KerasLayer> layers = new ArrayList<>();
      for (JsonNode layer : config.path("layers")) {
        String name = layer.path("config").path("name").asText(layer.path("name").asText());
        layers.add(
            new KerasLayer(
                layer.path("class_name").asText(),
                name,
                layer.path("config"),
                inbound(layer, name),
                weights(weightsRoot, name)));
      }
      String version = stringAttribute(h5, "keras_version");
      return new KerasModel(layers, input, output, version == null ? "unknown" : version);
    } catch (IOException | RuntimeException e) {
      throw new KerasImportException("cannot read Keras HDF5 file " + file + ": " + e, e);
    }
  }

  private static List<String> inbound(JsonNode layer, String name) throws KerasImportException {
    JsonNode nodes = layer.path("inbound_nodes");
    if (nodes.size() == 0) {
      return List.of();
    }
    if (nodes.size() > 1) {
      throw new KerasImportException("layer '" + name + "' is shared (called more than once)");
    }
    List<String> in = new ArrayList<>();
    for (JsonNode ref : nodes.get(0)) {
      if (ref.path(1).asInt() != 0 || ref.path(2).asInt() != 0) {
        throw new KerasImportException(
            "layer '" + name + "' reads a non-default node/tensor index");
      }
      in.add(ref.path(0).asText());
    }
    return in;
  }

  private static List<FloatTensor> weights(Group root, String layerName)
      throws KerasImportException {
    Node node = root.getChildren().get(layerName);
    if (!(node instanceof Group layerGroup)) {
      return List.of();
    }
    Attribute names = layerGroup.getAttribute("weight_names");
    if (names == null || names.isEmpty() || names.getData() == null) {
      return List.of();
    }
    Object data = names.getData();
    String[] paths = data instanceof String[] arr ? arr : new String[] {String.valueOf(data)};
    List<FloatTensor> out = new ArrayList<>();
    for (String path : paths) {
      Node w = layerGroup.getByPath(path);
      if (!(w instanceof Dataset ds)) {
        throw new KerasImportException("layer '" + layerName + "': weight " + path + " not found");
      }
      out.add(new FloatTensor(ds.getDimensions(), toFloats(ds.getDataFlat(), layerName, path)));
    }
    return out;
  }

  private static float[] toFloats(Object flat, String layer, String path)
      throws KerasImportException {
    if (flat instanceof float[] f) {
      return f;
    }
    if (flat instanceof double[] d) {
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return f;
    }
    throw new KerasImportException(
        "layer '"
            + layer
            + "': weight "
            + path
            + " is not floating point ("
            + flat.getClass()
            + ")");
  }

  private static String singleEndpoint(JsonNode list, String key, Path file)
      throws KerasImportException {
    if (list.size() != 1) {
      throw new KerasImportException(file + ": " + key + " must have exactly one entry");
    }
    return list.get(0).path(0).asText();
  }

  private static String stringAttribute(Node node, String name) {
    Attribute a = node.getAttribute(name);
    if (a == null) {
      return null;
    }
    Object v = a.getData();
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof String[] arr && arr.length == 1) {
      return arr[0];
    }
    return null;
  }
}
