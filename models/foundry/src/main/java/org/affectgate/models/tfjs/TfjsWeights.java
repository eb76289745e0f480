package org.affectgate.models.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.models.tensor.FloatTensor;

/**
 * Reads a TF.js <em>weights manifest</em> ({@code *-weights_manifest.json}: groups of {@code paths}
 * and {@code weights} specs) and the binary shards it names, into float32 tensors in TF.js layout
 * (e.g. conv filters {@code [h, w, in, out]}, depthwise filters {@code [h, w, in, multiplier]}).
 *
 * <p>Supported encodings: plain {@code float32} (little-endian), and {@code float32} stored
 * quantised as {@code uint8} with the spec's {@code quantization.min} and {@code scale}, each value
 * restored as {@code q * scale + min} (TF.js's affine dequantisation, in float64 then rounded to
 * float32). Other dtypes or quantisations are refused. The shards of a group are concatenated in
 * the listed order and the specs read from it one after another. Stateless.
 */
public final class TfjsWeights {
  private TfjsWeights() {}

  /**
   * @param manifest the weights manifest; shard paths are relative to its folder
   * @return every weight by name, in manifest order
   * @throws IOException if a file is missing or unreadable, a spec is unsupported, or the shards
   *     hold fewer or more bytes than the specs describe
   */
  public static Map<String, FloatTensor> read(Path manifest) throws IOException {
    JsonNode root = new ObjectMapper().readTree(manifest.toFile());
    if (!root.isArray()) {
      throw new IOException(manifest + ": expected a JSON array of weight groups");
    }
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    Path dir = manifest.toAbsolutePath().getParent();
    for (JsonNode group : root) {
      List<byte[]> shards = new ArrayList<>();
      int total = 0;
      for (JsonNode p : group.path("paths")) {
        byte[] b = Files.readAllBytes(dir.resolve(p.asText()));
        shards.add(b);
        total += b.length;
      }
      ByteBuffer data = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
      shards.forEach(data::put);
      data.flip();
      for (JsonNode spec : group.path("weights")) {
        String name = spec.path("name").asText();
        int[] shape = shape(spec.path("shape"));
        int n = 1;
        for (int d : shape) {
          n *= d;
        }
        if (!"float32".equals(spec.path("dtype").asText())) {
          throw new IOException(
              manifest + ": weight " + name + " has dtype " + spec.path("dtype") + ", not float32");
        }
        float[] values = new float[n];
        JsonNode q = spec.path("quantization");
        if (q.isMissingNode()) {
          need(data, n * Float.BYTES, manifest, name);
          data.asFloatBuffer().get(values);
          data.position(data.position() + n * Float.BYTES);
        } else if ("uint8".equals(q.path("dtype").asText()) && q.has("scale") && q.has("min")) {
          double scale = q.path("scale").asDouble();
          double min = q.path("min").asDouble();
          need(data, n, manifest, name);
          for (int i = 0; i < n; i++) {
            values[i] = (float) ((data.get() & 0xFF) * scale + min);
          }
        } else {
          throw new IOException(
              manifest + ": weight " + name + " has unsupported quantization " + q);
        }
        if (out.put(name, new FloatTensor(shape, values)) != null) {
          throw new IOException(manifest + ": weight " + name + " appears twice");
        }
      }
      if (data.hasRemaining()) {
        throw new IOException(
            manifest + ": " + data.remaining() + " bytes left over after the group's weights");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static int[] shape(JsonNode dims) {
    int[] s = new int[dims.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = dims.get(i).asInt();
    }
    return s;
  }

  private static void need(ByteBuffer data, int bytes, Path manifest, String name)
      throws IOException {
    if (data.remaining() < bytes) {
      throw new IOException(
          manifest
              + ": weight "
              + name
              + " needs "
              + bytes
              + " bytes, the shards have "
              + data.remaining()
              + " left");
    }
  }
}
