package org.affectgate.agent.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.features.face.VisionModels;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelManifest;
import org.affectgate.models.ModelRegistry;

/**
 * {@code check-config}'s check of the shadow candidates ({@code "shadowOf"} manifest entries) of
 * the models the enabled paths use: each is loaded and closed exactly as {@link ModelSwaps} loads
 * it at start-up and on a reload ({@link ModelSlot#loadShadow} with the stage's own loader: labels
 * equal to the active model's, file size, SHA-256, ONNX Runtime session, I/O, preprocessing and
 * feature spec). The running agent only logs a refused shadow and runs without it; this check lets
 * an operator find it before the agent does.
 *
 * <p>Which shadow is checked is which the agent would load: for each model in use ({@code
 * hrv-stress} with {@code hrv.stress.enabled}, {@code voice-emotion} with {@code voice.enabled},
 * {@code camera.expressionModel} with {@code camera.enabled}) the first entry whose {@code
 * shadowOf} names it. A {@code shadowOf} naming no ordinary entry makes the whole manifest invalid
 * (the agent refuses it at start), reported as one problem.
 *
 * <p>Blocking (file reads, ONNX Runtime sessions): the CLI thread.
 */
public final class ShadowCheck {
  private ShadowCheck() {}

  /**
   * What the check found.
   *
   * @param verified one entry per shadow that verified, {@code <shadow> <version> (shadow of
   *     <active>)}
   * @param problems one line per refused shadow, naming its manifest entry and why; empty when all
   *     verified
   */
  public record Result(List<String> verified, List<String> problems) {
    public Result {
      verified = List.copyOf(verified);
      problems = List.copyOf(problems);
    }
  }

  /** Checks the shadows of the models {@code c} uses; nothing is thrown for a model problem. */
  public static Result run(AgentConfig c) {
    Map<String, ModelSlot.Loader<? extends AutoCloseable>> inUse = new LinkedHashMap<>();
    if (c.stress().enabled()) {
      inUse.put(OnnxStressModel.MODEL_NAME, ModelSwaps.STRESS_SHADOW);
    }
    if (c.voice().enabled()) {
      inUse.put(OnnxVoiceEmotionModel.MODEL_NAME, ModelSwaps.VOICE_SHADOW);
    }
    c.camera()
        .ifPresent(
            cam ->
                inUse.put(
                    cam.vision().expressionModel(),
                    ModelSwaps.visionShadow(VisionModels.inputFor(cam.vision()))));
    List<String> verified = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (inUse.isEmpty()) {
      return new Result(verified, problems);
    }
    String where = "models.manifest " + c.models().manifest();
    ModelRegistry registry;
    try {
      registry = ModelRegistry.open(c.models());
    } catch (ModelLoadException e) {
      problems.add(where + ": " + oneLine(e.getMessage()));
      return new Result(verified, problems);
    }
    ModelManifest manifest = registry.manifest();
    for (Map.Entry<String, ModelSlot.Loader<? extends AutoCloseable>> use : inUse.entrySet()) {
      String anchor = use.getKey();
      ModelEntry candidate = manifest.shadowOf(anchor).orElse(null);
      if (candidate == null) {
        continue;
      }
      List<String> labels = manifest.find(anchor).map(ModelEntry::labels).orElse(List.of());
      String entry = "shadow entry '" + candidate.name() + "' (shadowOf " + anchor + ")";
      AutoCloseable shadow;
      try {
        shadow = ModelSlot.loadShadow(registry, candidate, anchor, labels, use.getValue());
      } catch (ModelLoadException e) {
        problems.add(where + ": " + entry + " refused: " + oneLine(e.getMessage()));
        continue;
      } catch (RuntimeException e) {
        // as a reload counts it (UNEXPECTED): a loader bug must not hide the other shadows
        problems.add(where + ": " + entry + " refused: " + oneLine(e.toString()));
        continue;
      }
      closeQuietly(shadow);
      verified.add(candidate.name() + " " + candidate.version() + " (shadow of " + anchor + ")");
    }
    return new Result(verified, problems);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // loaded only to verify it; nothing to recover
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
