package org.affectgate.models.quant;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.affectgate.models.tensor.FloatTensor;

/** Conversions between ONNX {@code TensorProto} initializers and Java arrays. */
final class OnnxTensors {
  private OnnxTensors() {}

  /** Reads a float32 initializer stored as raw data or as {@code float_data}. */
  static FloatTensor floats(TensorProto t) {
    if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
      throw new IllegalArgumentException("initializer '" + t.getName() + "' is not float32");
    }
    int[] shape = t.getDimsList().stream().mapToInt(Long::intValue).toArray();
    float[] data;
    if (t.getRawData().isEmpty()) {
      data = new float[t.getFloatDataCount()];
      for (int i = 0; i < data.length; i++) {
        data[i] = t.getFloatData(i);
      }
    } else {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      data = new float[b.remaining() / Float.BYTES];
      b.asFloatBuffer().get(data);
    }
    return new FloatTensor(shape, data);
  }

  static byte[] int32Bytes(int[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return b.array();
  }

  static byte[] floatBytes(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }
}
