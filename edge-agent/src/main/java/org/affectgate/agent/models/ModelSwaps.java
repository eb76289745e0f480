package org.affectgate.agent.models;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.common.time.ExecutorScheduler;
import org.affectgate.common.time.Scheduler;
import org.affectgate.features.face.ExpressionInput;
import org.affectgate.features.face.FaceAnalyzer;
import org.affectgate.features.face.OnnxExpressionClassifier;
import org.affectgate.features.face.VisionConfig;
import org.affectgate.features.face.VisionModels;
import org.affectgate.features.face.YuNetFaceDetector;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.features.stress.StressModel;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelManifest;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRequirement;
import org.affectgate.models.ModelRuntimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model management in the running agent: hot swap, shadow candidates and the kept set for rollback.
 *
 * <p><b>Hot swap.</b> The stages get their models through {@link #voice}, {@link #stress} and
 * {@link #vision}, which wrap the models loaded at start-up in holders ({@link Swappable}: an
 * atomic reference plus a reference count per model) that each inference borrows from. A reload
 * reads {@code models.manifest}, opens a {@link ModelRegistry} on it and, for every stage whose
 * manifest entries changed, loads the new model through the very loader start-up uses ({@code
 * OnnxVoiceEmotionModel.load}, {@code OnnxStressModel.load}, {@code VisionModels.load}: size,
 * SHA-256, ONNX Runtime session, I/O, preprocessing and feature-spec ids). Only when every changed
 * model (and shadow) verifies are they swapped in, all together; an old model closes after its last
 * running inference. When anything is refused, nothing is swapped: the running models stay, {@code
 * affectgate.models.reload{outcome=failed,reason=<reason>}} counts it, one WARN line says why and
 * the status section's {@code lastReload} reads {@code failed: <reason>}. A manifest that changes
 * while it is being verified is not applied (the next poll retries).
 *
 * <p><b>Triggers.</b> The manifest is polled every {@code models.pollSeconds} ({@link
 * ModelRuntimeConfig#pollSeconds}, default {@link #POLL_INTERVAL}) on the injected {@link
 * Scheduler} (its SHA-256 compared with the last one seen), and {@code POST /models/reload} asks
 * for a reload at once ({@link #requestReload}). With {@code models.pollSeconds: 0} nothing is
 * polled: only {@code POST /models/reload} (also what {@code affectgate models rollback} asks the
 * operator to call) reloads. Polling, not a file watch: inotify (Java's {@code WatchService})
 * watches directory entries, so it misses a manifest behind a replaced symlink or bind mount and
 * fires on half-written files, and it cannot run on a test's virtual time; hashing a few kilobytes
 * every ten seconds costs nothing. A manifest is tried once per content: a failed one is not
 * retried until it changes again or an operator asks.
 *
 * <p><b>Shadow.</b> An entry with {@code "shadowOf": "<active model>"} is loaded beside the active
 * model (checked like it, with the same labels) and run on the same inputs after it; {@link
 * ShadowComparison} records agreement and probability difference. The shadow's output is never
 * returned to a stage, so it reaches no window, outbox or kiosk.
 *
 * <p><b>Rollback.</b> At start and after every applied reload the live set is kept in {@link
 * ModelArchive} ({@code <dataDir>/models/current}, the one before in {@code previous}); {@code
 * affectgate models rollback} copies {@code previous} back and this class's poll picks it up.
 *
 * <p>Threads: registration on the start-up thread before {@link #start}; reloads only on the
 * scheduler's thread (so they never overlap and never run on an event loop); {@link #status} and
 * {@link #versions} on any thread (in-memory only).
 */
public final class ModelSwaps implements RunningModels, AutoCloseable {
  /**
   * The default interval between manifest checks ({@code models.pollSeconds}, {@value
   * ModelRuntimeConfig#DEFAULT_POLL_SECONDS} s).
   */
  public static final Duration POLL_INTERVAL =
      Duration.ofSeconds(ModelRuntimeConfig.DEFAULT_POLL_SECONDS);

  private static final Logger LOG = LoggerFactory.getLogger(ModelSwaps.class);

  /** What a reload did. */
  public enum Outcome {
    APPLIED,
    UNCHANGED,
    FAILED
  }

  /**
   * @param outcome what happened
   * @param detail one line: the changes, or why nothing was swapped
   */
  public record Result(Outcome outcome, String detail) {}

  private final ModelRuntimeConfig runtime;
  private final ModelArchive archive;
  private final Scheduler scheduler;
  private final AutoCloseable schedulerOwner;
  private final InstantSource clock;
  private final MeterRegistry registry;
  private final List<ModelSlot<?, ?>> slots = new CopyOnWriteArrayList<>();
  private volatile String lastSeenSha;
  private volatile String lastReload = "none";
  private volatile boolean previousKept;
  private volatile boolean closed;
  private Scheduler.Cancellable nextPoll; // guarded by this

  /**
   * @param scheduler runs polls and reloads, one at a time (production: a single thread of its own)
   * @param schedulerOwner closed by {@link #close()} (the production scheduler), or null
   */
  public ModelSwaps(
      ModelRuntimeConfig runtime,
      ModelArchive archive,
      Scheduler scheduler,
      AutoCloseable schedulerOwner,
      InstantSource clock,
      MeterRegistry registry) {
    this.runtime = runtime;
    this.archive = archive;
    this.scheduler = scheduler;
    this.schedulerOwner = schedulerOwner;
    this.clock = clock;
    this.registry = registry;
  }

  /**
   * The agent's instance: {@code models.manifest} polled on a thread of its own ({@code
   * affectgate-models}, started by the first poll), the kept set in {@code <dataDir>/models}.
   */
  public static ModelSwaps forAgent(
      AgentConfig config, InstantSource clock, MeterRegistry registry) {
    ExecutorScheduler thread = ExecutorScheduler.singleThread("affectgate-models");
    return new ModelSwaps(
        config.models(), ModelArchive.inDataDir(config.dataDir()), thread, thread, clock, registry);
  }

  /** The voice stage's model: {@code loaded} (now owned by the returned model) behind a holder. */
  public VoiceEmotionModel voice(OnnxVoiceEmotionModel loaded) {
    return new SwappedVoiceModel(
        this.<VoiceEmotionModel>registerSingle(
            OnnxVoiceEmotionModel.MODEL_NAME,
            loaded,
            OnnxVoiceEmotionModel::load,
            VOICE_SHADOW::load));
  }

  /** The stress stage's model: {@code loaded} (now owned by the returned model) behind a holder. */
  public StressModel stress(OnnxStressModel loaded) {
    return new SwappedStressModel(
        this.<StressModel>registerSingle(
            OnnxStressModel.MODEL_NAME, loaded, OnnxStressModel::load, STRESS_SHADOW::load));
  }

  /**
   * The camera path's analyzer over {@code loaded} (now owned by the returned handle) behind a
   * holder; a reload re-runs {@code VisionModels.load(runtime, config)}.
   */
  public Vision vision(VisionModels loaded, VisionConfig config) {
    // the crop the active model takes; a shadow must take the same crop (it sees the same input)
    ExpressionInput input = VisionModels.inputFor(config);
    List<String> labels = loaded.analyzer().labels();
    ModelSlot<VisionModels, SwappedVision.ShadowExpression> slot =
        register(
            config.expressionModel(),
            List.of(YuNetFaceDetector.MODEL, config.expressionModel()),
            loaded,
            (r, n) -> VisionModels.load(runtime, config),
            visionShadow(input));
    SwappedVision stages = new SwappedVision(slot, labels);
    return new Vision(new FaceAnalyzer(stages, input, stages), slot);
  }

  /**
   * The camera path's swappable analyzer; closing it closes the vision models after their last
   * inference.
   */
  public record Vision(FaceAnalyzer analyzer, AutoCloseable models) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      models.close();
    }
  }

  /**
   * How the voice stage loads a shadow candidate: same feature spec as {@code voice-emotion}. Used
   * by reloads and by {@link ShadowCheck}, so {@code check-config} verifies a shadow by this code.
   */
  static final ModelSlot.Loader<OnnxVoiceEmotionModel> VOICE_SHADOW = OnnxVoiceEmotionModel::load;

  /** How the stress stage loads a shadow candidate (see {@link #VOICE_SHADOW}). */
  static final ModelSlot.Loader<OnnxStressModel> STRESS_SHADOW = OnnxStressModel::load;

  /**
   * How the camera path loads a shadow of the expression model: it must take {@code input}'s
   * preprocessing, the crop the active model is fed (see {@link #VOICE_SHADOW}).
   */
  static ModelSlot.Loader<SwappedVision.ShadowExpression> visionShadow(ExpressionInput input) {
    String preprocessing = input.preprocessing();
    return (r, n) -> loadShadowExpression(r, n, preprocessing);
  }

  private static SwappedVision.ShadowExpression loadShadowExpression(
      ModelRegistry registry, String name, String preprocessing) throws ModelLoadException {
    LoadedModel m = registry.load(ModelRequirement.named(name).withPreprocessing(preprocessing));
    try {
      return new SwappedVision.ShadowExpression(m, new OnnxExpressionClassifier(m));
    } catch (RuntimeException e) {
      try {
        m.close();
      } catch (Exception ignored) {
        // refusing the shadow; nothing to recover
      }
      throw e;
    }
  }

  /** Loads the active model of a single-model slot from a registry, verified as at start-up. */
  @FunctionalInterface
  private interface ActiveLoader<M> {
    M load(ModelRegistry registry) throws ModelLoadException;
  }

  /** A slot of one model named {@code name} whose shadow, if any, is the same kind of model. */
  private <M extends AutoCloseable> ModelSlot<M, M> registerSingle(
      String name, M loaded, ActiveLoader<M> active, ModelSlot.Loader<M> shadow) {
    return register(name, List.of(name), loaded, (r, n) -> active.load(r), shadow);
  }

  private synchronized <A extends AutoCloseable, S extends AutoCloseable> ModelSlot<A, S> register(
      String anchor,
      List<String> names,
      A loaded,
      ModelSlot.Loader<A> activeLoader,
      ModelSlot.Loader<S> shadowLoader) {
    ModelManifest manifest;
    try {
      manifest = ModelManifest.read(runtime.manifest());
    } catch (ModelLoadException e) {
      throw new IllegalStateException("models.manifest became unreadable: " + e.getMessage(), e);
    }
    ModelSlot<A, S> slot =
        new ModelSlot<>(anchor, names, loaded, manifest, activeLoader, shadowLoader, registry);
    slots.add(slot);
    return slot;
  }

  /**
   * Loads the shadow candidates the manifest names, keeps the live set for rollback and starts
   * polling. Blocking (model loads, file copies): the start-up thread, after every stage
   * registered.
   */
  public void start() {
    if (slots.isEmpty()) {
      return; // no model stage is on: nothing to swap, keep or poll
    }
    Result r = reload("start-up");
    if (r.outcome() != Outcome.APPLIED) {
      keepForRollback();
    }
    schedulePoll();
  }

  /**
   * Asks the reload thread to re-read the manifest now ({@code POST /models/reload}). Any thread;
   * never blocks.
   *
   * @return completes on the reload thread with what happened
   */
  public CompletableFuture<Result> requestReload(String trigger) {
    CompletableFuture<Result> f = new CompletableFuture<>();
    try {
      scheduler.schedule(
          Duration.ZERO,
          () -> {
            try {
              f.complete(reload(trigger));
            } catch (RuntimeException e) {
              f.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      f.complete(new Result(Outcome.FAILED, "the agent is stopping"));
    }
    return f;
  }

  private synchronized void schedulePoll() {
    if (closed || runtime.pollSeconds() == 0) {
      return;
    }
    try {
      nextPoll = scheduler.schedule(Duration.ofSeconds(runtime.pollSeconds()), this::poll);
    } catch (RejectedExecutionException e) {
      // stopping
    }
  }

  private void poll() {
    try {
      String sha = manifestSha();
      if (!sha.equals(lastSeenSha)) {
        reload("manifest changed");
      }
    } catch (IOException e) {
      if (!"unreadable".equals(lastSeenSha)) {
        lastSeenSha = "unreadable";
        fail("poll", "MANIFEST_INVALID", "cannot read " + runtime.manifest() + ": " + e);
      }
    } finally {
      schedulePoll();
    }
  }

  /**
   * Re-reads the manifest and swaps in every changed model, all or nothing. Blocking; the reload
   * thread (or a test's thread), never an event loop.
   */
  public synchronized Result reload(String trigger) {
    if (closed) {
      return new Result(Outcome.FAILED, "the agent is stopping");
    }
    String sha;
    try {
      sha = manifestSha();
    } catch (IOException e) {
      lastSeenSha = "unreadable";
      return fail(trigger, "MANIFEST_INVALID", "cannot read " + runtime.manifest() + ": " + e);
    }
    lastSeenSha = sha;
    ModelRegistry reg;
    try {
      reg = ModelRegistry.open(runtime);
    } catch (ModelLoadException e) {
      return fail(trigger, e.reason().name(), oneLine(e.getMessage()));
    }
    List<ModelSlot<?, ?>.Prepared> prepared = new ArrayList<>();
    try {
      for (ModelSlot<?, ?> slot : slots) {
        prepared.add(slot.prepare(reg));
      }
    } catch (ModelLoadException e) {
      prepared.forEach(ModelSlot.Prepared::abort);
      return fail(trigger, e.reason().name(), oneLine(e.getMessage()));
    } catch (RuntimeException e) {
      prepared.forEach(ModelSlot.Prepared::abort);
      return fail(trigger, "UNEXPECTED", "loading a new model failed: " + oneLine(e.toString()));
    }
    String after;
    try {
      after = manifestSha();
    } catch (IOException e) {
      after = "unreadable";
    }
    if (!after.equals(sha)) {
      prepared.forEach(ModelSlot.Prepared::abort);
      lastSeenSha = null;
      return fail(
          trigger,
          "MANIFEST_CHANGED",
          runtime.manifest() + " changed while it was verified; the next poll tries again");
    }
    List<String> changes = new ArrayList<>();
    prepared.forEach(p -> changes.addAll(p.describe()));
    if (changes.isEmpty()) {
      return new Result(Outcome.UNCHANGED, "manifest entries of the running models are unchanged");
    }
    prepared.forEach(ModelSlot.Prepared::commit);
    String detail = String.join(", ", changes);
    registry
        .counter("affectgate.models.reload", "outcome", "applied", "reason", "none")
        .increment();
    LOG.info("models reloaded ({}): {}", trigger, detail);
    lastReload = "ok at " + clock.instant() + " (" + trigger + "): " + detail;
    keepForRollback();
    return new Result(Outcome.APPLIED, detail);
  }

  private Result fail(String trigger, String reason, String message) {
    registry
        .counter(
            "affectgate.models.reload",
            "outcome",
            "failed",
            "reason",
            reason.toLowerCase(Locale.ROOT))
        .increment();
    LOG.warn("model reload ({}) refused, running models kept: {}", trigger, message);
    lastReload = "failed: " + message;
    return new Result(Outcome.FAILED, message);
  }

  private void keepForRollback() {
    try {
      Optional<List<String>> kept = archive.keep(runtime.manifest());
      kept.filter(l -> !l.isEmpty())
          .ifPresent(
              left ->
                  LOG.warn(
                      "model set kept for rollback without {} (file missing or not as the"
                          + " manifest says)",
                      left));
    } catch (IOException e) {
      LOG.warn("cannot keep the running model set for rollback: {}", e.toString());
    }
    previousKept = archive.hasPrevious();
  }

  private String manifestSha() throws IOException {
    return ModelRegistry.sha256(Files.readAllBytes(runtime.manifest()));
  }

  /**
   * The {@code models} status section: manifest, running versions, last reload, shadow figures.
   * In-memory only (event loop safe).
   */
  public Map<String, Object> status() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("manifest", runtime.manifest().toString());
    s.put("pollSeconds", runtime.pollSeconds());
    s.put("lastReload", lastReload);
    Map<String, Object> running = new LinkedHashMap<>();
    Map<String, Object> shadows = new LinkedHashMap<>();
    for (ModelSlot<?, ?> slot : slots) { // never the lock: a reload holds it for seconds
      running.putAll(slot.status());
      ShadowComparison c = slot.comparison();
      if (c != null) {
        shadows.put(c.shadow(), c.status());
      }
    }
    s.put("running", running);
    s.put("shadows", shadows);
    s.put("previousKept", previousKept);
    return s;
  }

  /**
   * Name to version of the active models as swapped in (never the manifest file, which may hold a
   * change not yet applied or refused). In-memory only (event loop safe).
   */
  @Override
  public Map<String, String> versions() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ModelSlot<?, ?> slot : slots) { // never the lock: a reload holds it for seconds
      out.putAll(slot.versions());
    }
    return Collections.unmodifiableMap(out);
  }

  /** The manifest path polled, for messages. */
  public Path manifest() {
    return runtime.manifest();
  }

  /** Stops polling (a running reload finishes first); the stages close their own models. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (nextPoll != null) {
        nextPoll.cancel();
      }
    }
    if (schedulerOwner != null) {
      try {
        schedulerOwner.close();
      } catch (Exception e) {
        LOG.warn("stopping the model reload thread failed: {}", e.toString());
      }
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
