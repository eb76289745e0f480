package org.affectgate.models.quant;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures activation ranges (min/max) of a float32 model with ONNX Runtime by exposing the tensors
 * named by {@link QdqQuantizer#calibrationTensors} as extra graph outputs.
 */
public final class Calibrator {
  private Calibrator() {}

  /**
   * @param fp32 the float32 model (single float input)
   * @param inputs calibration inputs in the model's input layout, each of the input's full size
   * @param model name recorded in the result
   * @param selection how the inputs were chosen, recorded in the result
   * @return min/max over all inputs of each calibration tensor
   */
  public static ActivationRanges minMax(
      ModelProto fp32, List<float[]> inputs, String model, String selection) throws OrtException {
    List<String> tensors = QdqQuantizer.calibrationTensors(fp32);
    var graph = fp32.getGraph().toBuilder();
    java.util.Set<String> outputs = new java.util.HashSet<>();
    graph.getOutputList().forEach(o -> outputs.add(o.getName()));
    for (String t : tensors) {
      if (!outputs.contains(t) && !t.equals(graph.getInput(0).getName())) {
        graph.addOutput(
            ValueInfoProto.newBuilder()
                .setName(t)
                .setType(
                    TypeProto.newBuilder()
                        .setTensorType(
                            TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT.getNumber()))));
      }
    }
    byte[] augmented = fp32.toBuilder().setGraph(graph).build().toByteArray();
    var input = fp32.getGraph().getInput(0);
    long[] shape =
        input.getType().getTensorType().getShape().getDimList().stream()
            .mapToLong(d -> d.getDimValue())
            .toArray();
    Map<String, float[]> ranges = new HashMap<>();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      try (OrtSession session = env.createSession(augmented, o)) {
        for (float[] x : inputs) {
          observe(ranges, input.getName(), x);
          try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
              OrtSession.Result r = session.run(Map.of(input.getName(), t))) {
            for (Map.Entry<String, OnnxValue> e : r) {
              if (tensors.contains(e.getKey())) {
                FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                observe(ranges, e.getKey(), v);
              }
            }
          }
        }
      }
    }
    ranges.keySet().retainAll(tensors);
    return new ActivationRanges(model, inputs.size(), selection, "minmax", ranges);
  }

  private static void observe(Map<String, float[]> ranges, String name, float[] values) {
    float[] r = ranges.computeIfAbsent(name, k -> new float[] {Float.MAX_VALUE, -Float.MAX_VALUE});
    for (float v : values) {
      r[0] = Math.min(r[0], v);
      r[1] = Math.max(r[1], v);
    }
  }
}
