package org.affectgate.agent.voice;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.affectgate.features.voice.EmotionClass;
import org.affectgate.features.voice.VoiceFeatureSpec;
import org.affectgate.models.ModelRegistry;

/**
 * Writes a small but real ONNX model with the {@code voice-emotion} interface ({@code features [1,
 * VoiceFeatureSpec.size()]} → Gemm → Softmax → {@code probabilities [1,7]}) and a manifest naming
 * it, for tests of the inference path through {@link ModelRegistry}. The protobuf is encoded by
 * hand here so that the agent's tests need no ONNX tooling; the weights are a fixed deterministic
 * pattern, not a trained model.
 */
public final class TinyVoiceModel {
  private TinyVoiceModel() {}

  /** Writes {@code voice-emotion.onnx} and {@code manifest.json}; returns the manifest path. */
  public static Path write(Path dir, String featureSpec) throws IOException {
    int in = VoiceFeatureSpec.size();
    int out = EmotionClass.values().length;
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (0.01 * Math.sin(i * 0.7));
    }
    byte[] model = model(in, out, w, new float[out]);
    Files.createDirectories(dir);
    Files.write(dir.resolve("voice-emotion.onnx"), model);
    String labels =
        String.join(
            ", ",
            java.util.Arrays.stream(EmotionClass.values())
                .map(c -> "\"" + c.label() + "\"")
                .toList());
    String manifest =
        """
        {"formatVersion": 1, "models": [{
          "name": "voice-emotion", "version": "0.0.1-test", "file": "voice-emotion.onnx",
          "bytes": %d, "sha256": "%s",
          "inputs": [{"name": "features", "dtype": "float32", "shape": [1, %d]}],
          "outputs": [{"name": "probabilities", "dtype": "float32", "shape": [1, %d]}],
          "preprocessing": "none", "labels": [%s], "featureSpec": "%s"}]}
        """
            .formatted(model.length, ModelRegistry.sha256(model), in, out, labels, featureSpec);
    Path m = dir.resolve("manifest.json");
    Files.writeString(m, manifest);
    return m;
  }

  private static byte[] model(int in, int out, float[] w, float[] b) throws IOException {
    Proto graph = new Proto();
    graph.message(1, node(new String[] {"features", "W", "B"}, "logits", "gemm", "Gemm"));
    graph.message(1, node(new String[] {"logits"}, "probabilities", "softmax", "Softmax"));
    graph.string(2, "voice_emotion_test");
    graph.message(5, tensor("W", new long[] {in, out}, w));
    graph.message(5, tensor("B", new long[] {out}, b));
    graph.message(11, valueInfo("features", 1, in));
    graph.message(12, valueInfo("probabilities", 1, out));
    Proto opset = new Proto();
    opset.string(1, "");
    opset.varint(2, 13);
    Proto model = new Proto();
    model.varint(1, 7);
    model.string(2, "affectgate-test");
    model.message(7, graph);
    model.message(8, opset);
    return model.bytes();
  }

  private static Proto node(String[] inputs, String output, String name, String op) {
    Proto n = new Proto();
    for (String i : inputs) {
      n.string(1, i);
    }
    n.string(2, output);
    n.string(3, name);
    n.string(4, op);
    return n;
  }

  private static Proto tensor(String name, long[] dims, float[] values) {
    Proto t = new Proto();
    for (long d : dims) {
      t.varint(1, d);
    }
    t.varint(2, 1);
    t.string(8, name);
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    t.bytes(9, raw.array());
    return t;
  }

  private static Proto valueInfo(String name, long... dims) {
    Proto shape = new Proto();
    for (long d : dims) {
      Proto dim = new Proto();
      dim.varint(1, d);
      shape.message(1, dim);
    }
    Proto tensorType = new Proto();
    tensorType.varint(1, 1);
    tensorType.message(2, shape);
    Proto type = new Proto();
    type.message(1, tensorType);
    Proto v = new Proto();
    v.string(1, name);
    v.message(2, type);
    return v;
  }

  /** Minimal protobuf wire-format writer. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void varint(int field, long value) {
      raw((field << 3));
      raw(value);
    }

    void bytes(int field, byte[] value) {
      raw((field << 3) | 2);
      raw(value.length);
      out.writeBytes(value);
    }

    void string(int field, String value) {
      bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    void message(int field, Proto value) {
      bytes(field, value.bytes());
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private void raw(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }
  }
}
