package org.affectgate.models.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRequirement;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.models.TensorSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code models bench <name>}: wall-clock latency of one inference through the manifest-verified
 * session, on this machine, after a warm-up. Prints figures; asserts nothing.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure ms per inference of a shipped model (batch 1).")
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Model name from the manifest.")
  String name;

  @Option(names = "--models", defaultValue = "models", description = "Directory of manifest.json.")
  Path models;

  @Option(names = "--manifest", description = "Manifest file (overrides --models).")
  Path manifest;

  @Option(names = "--threads", defaultValue = "1", description = "Intra-op threads (default 1).")
  int threads;

  @Option(names = "--warmup", defaultValue = "50", description = "Untimed runs first.")
  int warmup;

  @Option(names = "--runs", defaultValue = "300", description = "Timed runs.")
  int runs;

  @Override
  public Integer call() throws Exception {
    Path file = manifest != null ? manifest : models.resolve("manifest.json");
    ModelRegistry registry = ModelRegistry.open(new ModelRuntimeConfig(file, threads));
    try (LoadedModel model = registry.load(ModelRequirement.named(name))) {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      SplittableRandom random = new SplittableRandom(1);
      try {
        for (TensorSpec spec : model.entry().inputs()) {
          if (!"float32".equals(spec.dtype()) || spec.elementCount() < 0) {
            System.err.println("bench supports static float32 inputs only: " + spec);
            return 2;
          }
          float[] data = new float[(int) spec.elementCount()];
          for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextDouble();
          }
          long[] shape = spec.shape().stream().mapToLong(Long::longValue).toArray();
          inputs.put(
              spec.name(),
              OnnxTensor.createTensor(model.environment(), FloatBuffer.wrap(data), shape));
        }
        for (int i = 0; i < warmup; i++) {
          model.session().run(inputs).close();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
          long t0 = System.nanoTime();
          try (OrtSession.Result r = model.session().run(inputs)) {
            ms[i] = (System.nanoTime() - t0) / 1e6;
          }
        }
        Arrays.sort(ms);
        System.out.printf(
            Locale.ROOT,
            "%s (%d bytes) threads=%d runs=%d: mean %.3f ms  p50 %.3f  p90 %.3f  p99 %.3f  min %.3f%n",
            name,
            model.entry().bytes(),
            threads,
            runs,
            Arrays.stream(ms).average().orElse(Double.NaN),
            ms[runs / 2],
            ms[(int) (runs * 0.9)],
            ms[Math.min(runs - 1, (int) (runs * 0.99))],
            ms[0]);
      } finally {
        for (OnnxTensor t : inputs.values()) {
          t.close();
        }
      }
    }
    return 0;
  }
}
