package org.affectgate.agent.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.GrantOutcome;
import org.affectgate.agent.consent.LedgerVerification;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import org.affectgate.device.kiosk.camera.ImageHeaderReader;
import org.affectgate.device.kiosk.camera.ImageInfo;
import org.affectgate.features.voice.AnalysisFormat;
import org.affectgate.features.voice.Frame;
import org.affectgate.features.voice.FrameAnalyzer;
import org.affectgate.features.voice.VoiceFeatures;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRequirement;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.EnqueueResult;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.SqliteOutbox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Exercises every native library and heavy path of the agent on this machine, without a broker, a
 * configuration or the agent's data: loads every model of the manifest through ONNX Runtime and
 * runs one inference each, writes and reads a SQLite outbox and consent ledger (sqlite-jdbc's
 * native library) in a fresh temporary directory that is deleted afterwards, decodes a JPEG (the
 * camera path's decoder: libjpeg-turbo when installed, else ImageIO) and analyses one second of
 * audio (the voice path's frame analysis), and lists the native libraries the process loaded. Made
 * for a new board or architecture (a Raspberry Pi, deploy/dev/arm64-smoke.sh under emulation).
 *
 * <p>Prints one line per step, {@code selftest: STEP ok|FAILED in N ms: detail}; every step runs
 * even when an earlier one failed. Exit 0 when all passed, 1 otherwise. Runs on the calling thread.
 */
@Command(
    name = "selftest",
    description =
        "Load every model and run one inference each, write and read a SQLite outbox and consent"
            + " ledger in a temporary directory, decode a JPEG and analyse a second of audio;"
            + " one line per step with its time, exit 1 if any failed.")
final class SelftestCommand implements Callable<Integer> {
  @Option(
      names = "--models",
      paramLabel = "FILE",
      description = "Model manifest (default: ${DEFAULT-VALUE})")
  Path manifest = Path.of(AgentConfigLoader.DEFAULT_MODELS_MANIFEST);

  @Spec CommandSpec spec;

  private PrintWriter out;
  private int failures;

  /** One step's work; returns the detail printed after "ok". */
  private interface Step {
    String run() throws Exception;
  }

  @Override
  public Integer call() throws IOException {
    out = spec.commandLine().getOut();
    out.println(
        "selftest: java "
            + System.getProperty("java.version")
            + " on "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cpus");
    long start = System.nanoTime();
    models();
    Path dir = Files.createTempDirectory("affectgate-selftest");
    try {
      step("sqlite outbox", () -> outbox(dir.resolve("outbox.db")));
      step("sqlite consent ledger", () -> ledger(dir));
    } finally {
      deleteTree(dir);
    }
    step("jpeg decode", SelftestCommand::jpeg);
    step("audio analysis", SelftestCommand::audio);
    step("native libraries", SelftestCommand::nativeLibraries);
    out.println(
        "selftest: "
            + (failures == 0 ? "all steps passed" : failures + " step(s) FAILED")
            + " in "
            + millis(start)
            + " ms");
    out.flush();
    return failures == 0 ? 0 : 1;
  }

  private void step(String name, Step step) {
    long start = System.nanoTime();
    try {
      String detail = step.run();
      out.println("selftest: " + name + " ok in " + millis(start) + " ms: " + detail);
    } catch (Exception | LinkageError e) {
      failures++;
      out.println("selftest: " + name + " FAILED in " + millis(start) + " ms: " + e);
    }
    out.flush();
  }

  private void models() {
    ModelRegistry[] registry = new ModelRegistry[1];
    step(
        "model manifest",
        () -> {
          registry[0] = ModelRegistry.open(ModelRuntimeConfig.of(manifest));
          return registry[0].manifest().models().size() + " models in " + manifest;
        });
    if (registry[0] == null) {
      return;
    }
    for (ModelEntry entry : registry[0].manifest().models()) {
      step("model " + entry.name() + " " + entry.version(), () -> inferOnce(registry[0], entry));
    }
  }

  private static String inferOnce(ModelRegistry registry, ModelEntry entry) throws Exception {
    long loadStart = System.nanoTime();
    try (LoadedModel model = registry.load(ModelRequirement.named(entry.name()))) {
      long loadMs = millis(loadStart);
      long size = 1;
      for (long d : entry.inputs().get(0).shape()) {
        size *= d;
      }
      float[] input = new float[Math.toIntExact(size)];
      Random random = new Random(17);
      for (int i = 0; i < input.length; i++) {
        input[i] = random.nextFloat() * 0.5f;
      }
      long inferStart = System.nanoTime();
      float[] output = model.infer(input);
      long inferMs = millis(inferStart);
      for (float v : output) {
        if (!Float.isFinite(v)) {
          throw new IllegalStateException(entry.name() + " returned a non-finite value");
        }
      }
      return "loaded in "
          + loadMs
          + " ms, one inference in "
          + inferMs
          + " ms ("
          + input.length
          + " inputs, "
          + output.length
          + " outputs from "
          + entry.outputs().get(0).name()
          + ")";
    }
  }

  private static String outbox(Path file) {
    try (SqliteOutbox outbox =
        SqliteOutbox.open(
            OutboxConfig.defaults(file), Clock.systemUTC(), new SimpleMeterRegistry())) {
      Map<String, String> tags = new TreeMap<>(Map.of("site", "selftest"));
      Map<String, Double> fields = new TreeMap<>(Map.of("value", 1.0));
      Metric point =
          new Metric(
              "selftest", new TreeMap<>(tags), new TreeMap<>(fields), System.currentTimeMillis());
      EnqueueResult added = outbox.enqueue(List.of(point));
      List<OutboxEntry> pending = outbox.peek(10);
      if (added.added() != 1 || pending.size() != 1) {
        throw new IllegalStateException("wrote 1 point, added " + added + ", read " + pending);
      }
      outbox.ack(List.of(pending.get(0).id()));
      return "1 point written, read back and acknowledged; backlog "
          + outbox.stats().backlogCount();
    }
  }

  private static String ledger(Path dir) {
    ConsentStore store = ConsentStore.open(ConsentConfig.defaultFor(dir));
    try {
      GrantOutcome outcome =
          store.grant(
              "selftest-participant", "selftest-device", "selftest", "selftest", Instant.now());
      LedgerVerification check = store.verify();
      if (outcome != GrantOutcome.GRANTED || !check.intact()) {
        throw new IllegalStateException("grant " + outcome + ", verification " + check);
      }
      return "1 grant recorded; ledger entries: " + check.entries() + ", hash chain intact";
    } finally {
      store.close();
    }
  }

  private static String jpeg() throws IOException {
    int w = 320;
    int h = 240;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 0x40);
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (!ImageIO.write(image, "jpg", bytes)) {
      throw new IllegalStateException("no ImageIO JPEG writer");
    }
    byte[] jpeg = bytes.toByteArray();
    ImageInfo info = ok(ImageHeaderReader.read(jpeg, 0, jpeg.length), "header");
    FrameDecoder decoder = new FrameDecoder();
    DecodedImage decoded = ok(decoder.decode(jpeg, info), "decode");
    if (decoded.width() != w || decoded.height() != h) {
      throw new IllegalStateException("decoded " + decoded.width() + "x" + decoded.height());
    }
    return jpeg.length
        + " byte "
        + w
        + "x"
        + h
        + " JPEG decoded by "
        + decoder.jpegDecoder()
        + ", centre luma "
        + decoded.luma(w / 2, h / 2);
  }

  private static <T> T ok(ParseResult<T> result, String what) {
    if (result instanceof ParseResult.Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException("JPEG " + what + " rejected: " + result);
  }

  private static String audio() {
    // One second of a voiced 180 Hz vowel-like tone (three harmonics) with a little noise.
    float[] samples = new float[AnalysisFormat.RATE_HZ];
    Random random = new Random(17);
    for (int i = 0; i < samples.length; i++) {
      double t = (double) i / AnalysisFormat.RATE_HZ;
      samples[i] =
          (float)
              (0.3 * Math.sin(2 * Math.PI * 180 * t)
                  + 0.15 * Math.sin(2 * Math.PI * 360 * t)
                  + 0.08 * Math.sin(2 * Math.PI * 540 * t)
                  + 0.01 * random.nextGaussian());
    }
    List<Frame> frames = new ArrayList<>(new FrameAnalyzer().push(samples));
    long voiced = frames.stream().filter(Frame::voiced).count();
    Optional<float[]> features = VoiceFeatures.summarise(frames);
    if (frames.isEmpty()) {
      throw new IllegalStateException("1 s of audio gave no analysis frame");
    }
    double f0 = frames.stream().filter(Frame::voiced).mapToDouble(Frame::f0Hz).average().orElse(0);
    return String.format(
        "1 s at %d Hz: %d frames, %d voiced, mean f0 %.0f Hz (tone 180 Hz), %s",
        AnalysisFormat.RATE_HZ,
        frames.size(),
        voiced,
        f0,
        features.map(f -> f.length + " segment features").orElse("too few voiced frames"));
  }

  /** The shared libraries of this process named like the agent's native parts (Linux only). */
  private static String nativeLibraries() throws IOException {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return "not listed (no /proc/self/maps)";
    }
    try (Stream<String> lines = Files.lines(maps)) {
      List<String> libs =
          lines
              .map(l -> l.substring(l.lastIndexOf(' ') + 1))
              .filter(f -> f.matches(".*(onnxruntime|sqlitejdbc|turbojpeg).*\\.so.*"))
              .map(f -> Path.of(f).getFileName().toString())
              .distinct()
              .sorted()
              .toList();
      return "loaded for " + System.getProperty("os.arch") + ": " + String.join(", ", libs);
    }
  }

  private static long millis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
