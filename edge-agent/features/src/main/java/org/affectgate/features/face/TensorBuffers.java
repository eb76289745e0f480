package org.affectgate.features.face;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.TensorSpec;

/**
 * Reusable input and output tensors of one model whose first input and every output are static
 * float32 tensors, one set per calling thread. The input tensor wraps a direct buffer that the
 * caller fills in place (ONNX Runtime reads it without a copy); the outputs are pinned: ONNX
 * Runtime writes into direct buffers allocated once, read in place. This replaces, per run, an
 * input tensor allocation and copy, and for each output a native allocation plus the two copies of
 * {@link OnnxTensor#getFloatBuffer()} and a {@code float[]} copy.
 *
 * <p>Threads: {@link #get()} returns the calling thread's set (created on first use, about 4 bytes
 * per model input and output value); a set is used by its thread only, so buffers are overwritten
 * by that thread's next run. {@link #close()} frees every set's tensors; call it once no thread
 * runs the model any more, before the model's session is closed.
 */
final class TensorBuffers implements AutoCloseable {
  private final LoadedModel model;
  private final TensorSpec input;
  private final List<TensorSpec> outputs;
  private final Map<String, Integer> outputIndex = new HashMap<>();
  private final ThreadLocal<PerThread> local = ThreadLocal.withInitial(this::create);
  private final Queue<PerThread> all = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  /**
   * @throws IllegalArgumentException if the first input or an output is not a static float32 tensor
   */
  TensorBuffers(LoadedModel model) {
    this.model = model;
    this.input = requireStaticFloat(model.entry().inputs().get(0));
    this.outputs = model.entry().outputs();
    for (int i = 0; i < outputs.size(); i++) {
      requireStaticFloat(outputs.get(i));
      outputIndex.put(outputs.get(i).name(), i);
    }
  }

  private TensorSpec requireStaticFloat(TensorSpec spec) {
    if (!"float32".equals(spec.dtype()) || spec.elementCount() < 0) {
      throw new IllegalArgumentException(
          model.entry().name() + ": tensor " + spec + " is not a static float32 tensor");
    }
    return spec;
  }

  /** Position of output {@code name} in the manifest's output list, or -1. */
  int outputIndex(String name) {
    return outputIndex.getOrDefault(name, -1);
  }

  /**
   * The calling thread's tensors.
   *
   * @throws VisionException after {@link #close()} (the tensors are freed)
   */
  PerThread get() {
    if (closed) {
      throw new VisionException(model.entry().name() + ": tensors already closed", null);
    }
    return local.get();
  }

  private PerThread create() {
    try {
      OnnxTensor in = tensor(input);
      Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
      FloatBuffer[] out = new FloatBuffer[outputs.size()];
      for (int i = 0; i < outputs.size(); i++) {
        OnnxTensor t = tensor(outputs.get(i));
        pinned.put(outputs.get(i).name(), t);
        out[i] = t.getBufferRef().map(FloatBuffer.class::cast).orElseThrow();
      }
      PerThread p =
          new PerThread(
              model.session(),
              Map.of(input.name(), in),
              in.getBufferRef().map(FloatBuffer.class::cast).orElseThrow(),
              Map.copyOf(pinned),
              out);
      all.add(p);
      if (closed) {
        free(all); // lost a race with close(): free what close() may have missed
        throw new VisionException(model.entry().name() + ": tensors already closed", null);
      }
      return p;
    } catch (OrtException e) {
      throw new VisionException(model.entry().name() + ": cannot create tensors", e);
    }
  }

  private OnnxTensor tensor(TensorSpec spec) throws OrtException {
    FloatBuffer buffer =
        ByteBuffer.allocateDirect(Math.toIntExact(4 * spec.elementCount()))
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    long[] shape = spec.shape().stream().mapToLong(Long::longValue).toArray();
    return OnnxTensor.createTensor(model.environment(), buffer, shape);
  }

  @Override
  public void close() {
    closed = true;
    free(all);
  }

  private static void free(Queue<PerThread> sets) {
    PerThread p;
    while ((p = sets.poll()) != null) {
      p.inputs.values().forEach(OnnxTensor::close);
      p.outputs.values().forEach(OnnxTensor::close);
    }
  }

  /** One thread's tensors. */
  static final class PerThread {
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs;
    private final FloatBuffer input;
    private final Map<String, OnnxTensor> outputs;
    private final FloatBuffer[] outputBuffers;

    private PerThread(
        OrtSession session,
        Map<String, OnnxTensor> inputs,
        FloatBuffer input,
        Map<String, OnnxTensor> outputs,
        FloatBuffer[] outputBuffers) {
      this.session = session;
      this.inputs = inputs;
      this.input = input;
      this.outputs = outputs;
      this.outputBuffers = outputBuffers;
    }

    /** The input values, row-major; write at absolute indices before {@link #run()}. */
    FloatBuffer input() {
      return input;
    }

    /**
     * Runs the model on {@link #input()}; the outputs are then in {@link #output}. Close the result
     * (it owns nothing, the pinned outputs stay valid until this thread's next run).
     */
    OrtSession.Result run() throws OrtException {
      return session.run(inputs, outputs);
    }

    /** Output {@code index} (manifest order) of the last run, read at absolute indices. */
    FloatBuffer output(int index) {
      return outputBuffers[index];
    }
  }
}
