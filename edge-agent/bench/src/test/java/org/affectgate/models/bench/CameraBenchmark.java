package org.affectgate.models.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.kiosk.camera.CameraFrame;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import org.affectgate.features.face.ExpressionInput;
import org.affectgate.features.face.FaceAligner;
import org.affectgate.features.face.FaceAnalyzer;
import org.affectgate.features.face.FrameAnalysis;
import org.affectgate.features.face.OnnxExpressionClassifier;
import org.affectgate.features.face.RgbFaceAligner;
import org.affectgate.features.face.VisionConfig;
import org.affectgate.features.face.VisionModels;
import org.affectgate.features.face.YuNetInput;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.models.eval.FacesEval;

/**
 * Prints the camera path's per-frame cost; not a test. Fixture frames are built in memory: each of
 * the first {@code --frames} photos of {@code faces-eval} (read from {@code ../shared} only at run
 * time, never copied) is pasted at a random place into a 640 x 480 colour frame over a noisy
 * background and JPEG-encoded, so every frame holds one face. Per frame it measures decode, detect,
 * align and expression (the agent's {@link FrameDecoder} and {@link FaceAnalyzer}), the bare ONNX
 * Runtime run time of the two models on pre-built tensors, and the throughput with 1 and 2 threads.
 *
 * <p>Usage, from the repository root: {@code deploy/dev/bench.sh camera [dataDir] [--manifest
 * models/manifest.json] [--frames 200] [--rounds 3] [--model face-expression]}; {@code dataDir}
 * defaults to {@value FacesEval#DEFAULT_DATA}. Times are wall clock ({@code System.nanoTime}) on
 * the measuring thread. Test-scope code of the bench module: in no shipped jar.
 */
public final class CameraBenchmark {
  private CameraBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(FacesEval.DEFAULT_DATA);
    Path manifest = Path.of("models/manifest.json");
    int frames = 200;
    int rounds = 3;
    String model = OnnxExpressionClassifier.MODEL_FP32;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--manifest" -> manifest = Path.of(args[++i]);
        case "--frames" -> frames = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--model" -> model = args[++i];
        default -> data = Path.of(args[i]);
      }
    }
    List<CameraFrame> fixtures = fixtures(data, frames);
    System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());
    System.out.printf(
        Locale.ROOT,
        "%d fixture frames, 640x480 colour JPEG, %.1f KiB mean; expression model %s; %d cores;"
            + " JPEG decoder %s%n",
        fixtures.size(),
        fixtures.stream().mapToInt(f -> f.image().length).average().orElse(0) / 1024,
        model,
        Runtime.getRuntime().availableProcessors(),
        new FrameDecoder().jpegDecoder());
    try (VisionModels models =
        VisionModels.load(
            ModelRuntimeConfig.of(manifest), VisionConfig.defaults().withExpressionModel(model))) {
      for (int r = 0; r < rounds; r++) {
        System.out.printf(Locale.ROOT, "-- round %d%n", r + 1);
        latency(models, fixtures);
        for (int threads = 1; threads <= 2; threads++) {
          throughput(models.analyzer(), fixtures, threads);
        }
        System.out.printf(Locale.ROOT, "load average: %s%n", loadAverage());
      }
    }
  }

  /** {@code /proc/loadavg} (1, 5, 15 minutes), so figures can be read against machine load. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unavailable";
    }
  }

  static List<CameraFrame> fixtures(Path data, int count) throws IOException {
    List<FacesEval.Sample> samples = FacesEval.samples(data);
    Random random = new Random(7);
    CameraPayloadParser parser = new CameraPayloadParser(CameraLimits.defaults());
    List<CameraFrame> out = new ArrayList<>();
    for (int i = 0; i < samples.size() && out.size() < count; i++) {
      byte[] file = Files.readAllBytes(data.resolve("images").resolve(samples.get(i).file()));
      BufferedImage face = ImageIO.read(new ByteArrayInputStream(file));
      if (face == null) {
        continue;
      }
      BufferedImage frame = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = frame.createGraphics();
      for (int y = 0; y < 480; y += 8) {
        for (int x = 0; x < 640; x += 8) {
          int v = 60 + random.nextInt(120);
          g.setColor(new Color(v, v + random.nextInt(20), v));
          g.fillRect(x, y, 8, 8);
        }
      }
      int side = 240 + random.nextInt(100);
      g.drawImage(face, random.nextInt(640 - side), random.nextInt(480 - side), side, side, null);
      g.dispose();
      ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
      ImageIO.write(frame, "jpeg", jpeg);
      ParseResult<CameraFrame> parsed =
          parser.parse("bench", "k", CameraPayloadParser.encode(out.size(), 0, jpeg.toByteArray()));
      out.add(((ParseResult.Ok<CameraFrame>) parsed).value());
    }
    return out;
  }

  private static void latency(VisionModels models, List<CameraFrame> fixtures) throws OrtException {
    FrameDecoder decoder = FrameDecoder.reusingPlanes();
    FaceAnalyzer analyzer = models.analyzer();
    int n = fixtures.size();
    long[] decode = new long[n];
    long[] detect = new long[n];
    long[] align = new long[n];
    long[] expression = new long[n];
    long[] total = new long[n];
    long[] bare = new long[n];
    long[] bareDetect = new long[n];
    long[] bareExpression = new long[n];
    long[] analysis = new long[n];
    int faces = 0;
    LoadedModel det = models.detectorModel();
    LoadedModel expr = models.expressionModel();
    float[] detInput = new float[3 * YuNetInput.SIZE * YuNetInput.SIZE];
    long[] cropShape =
        expr.entry().inputs().get(0).shape().stream().mapToLong(Long::longValue).toArray();
    float[] crop = new float[Math.toIntExact(expr.entry().inputs().get(0).elementCount())];
    ExpressionInput cropper =
        OnnxExpressionClassifier.takesRgb(expr.entry().name())
            ? RgbFaceAligner.defaults()
            : new FaceAligner(FaceAligner.DEFAULT_ZOOM, FaceAligner.DEFAULT_SHIFT_Y);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      DecodedImage img = ((ParseResult.Ok<DecodedImage>) decoder.decode(fixtures.get(i))).value();
      long t1 = System.nanoTime();
      FrameAnalysis a = analyzer.analyze(img);
      long t2 = System.nanoTime();
      decode[i] = t1 - t0;
      detect[i] = a.detectNanos();
      align[i] = a.alignNanos();
      expression[i] = a.expressionNanos();
      total[i] = t2 - t0;
      faces += a.faces().size();
      YuNetInput.fill(img, detInput, YuNetInput.SIZE);
      if (!a.faces().isEmpty()) {
        crop = cropper.crop(img, a.faces().get(0).face());
      }
      bareDetect[i] = bareRun(det, detInput, new long[] {1, 3, YuNetInput.SIZE, YuNetInput.SIZE});
      bareExpression[i] = bareRun(expr, crop, cropShape) * a.faces().size();
      bare[i] = bareDetect[i] + bareExpression[i];
      analysis[i] = a.detectNanos() + a.alignNanos() + a.expressionNanos();
    }
    System.out.printf(Locale.ROOT, "faces found %d in %d frames%n", faces, n);
    print("decode", decode);
    print("detect", detect);
    print("align", align);
    print("expression", expression);
    print("end-to-end", total);
    print("bare ORT det", bareDetect);
    print("bare ORT expr", bareExpression);
    print("bare ORT both", bare);
    System.out.printf(
        Locale.ROOT,
        "ratio to bare ORT, mean (median): end-to-end %.2fx (%.2fx), without JPEG decode %.2fx"
            + " (%.2fx); 1 thread = %.1f frames/s%n",
        mean(total) / mean(bare),
        pct(total, 50) / pct(bare, 50),
        mean(analysis) / mean(bare),
        pct(analysis, 50) / pct(bare, 50),
        1e9 / mean(total));
  }

  /** Nanoseconds of one {@code session.run} on a tensor built beforehand. */
  private static long bareRun(LoadedModel model, float[] input, long[] shape) throws OrtException {
    try (OnnxTensor t =
        OnnxTensor.createTensor(model.environment(), FloatBuffer.wrap(input), shape)) {
      String name = model.entry().inputs().get(0).name();
      long t0 = System.nanoTime();
      try (OrtSession.Result r = model.session().run(Map.of(name, t))) {
        return System.nanoTime() - t0;
      }
    }
  }

  private static void throughput(FaceAnalyzer analyzer, List<CameraFrame> fixtures, int threads)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long t0 = System.nanoTime();
      List<Future<Integer>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        parts.add(
            pool.submit(
                () -> {
                  FrameDecoder decoder = FrameDecoder.reusingPlanes();
                  int done = 0;
                  for (int i = offset; i < fixtures.size(); i += threads) {
                    DecodedImage img =
                        ((ParseResult.Ok<DecodedImage>) decoder.decode(fixtures.get(i))).value();
                    analyzer.analyze(img);
                    done++;
                  }
                  return done;
                }));
      }
      int done = 0;
      for (Future<Integer> f : parts) {
        done += f.get();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "throughput, %d thread(s): %.1f frames/s (%.1f per thread)%n",
          threads,
          done / seconds,
          done / seconds / threads);
    } finally {
      pool.shutdown();
    }
  }

  private static void print(String stage, long[] nanos) {
    System.out.printf(
        Locale.ROOT,
        "%-14s mean %6.2f ms  p50 %6.2f ms  p99 %6.2f ms%n",
        stage,
        mean(nanos) / 1e6,
        pct(nanos, 50) / 1e6,
        pct(nanos, 99) / 1e6);
  }

  private static double mean(long[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  private static double pct(long[] v, double p) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[(int) Math.min(s.length - 1, Math.round(p / 100 * (s.length - 1)))];
  }
}
