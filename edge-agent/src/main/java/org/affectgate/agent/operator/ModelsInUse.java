package org.affectgate.agent.operator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.features.face.YuNetFaceDetector;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelManifest;

/**
 * Which models the enabled paths run, with the versions the manifest gives them, for the operator
 * page. Read once at start-up on the start-up thread (the agent has loaded the same manifest just
 * before, so a failure here is unexpected and shown as a row, never thrown).
 *
 * @param models one row per model in use, in path order; empty when no model-based path is on
 */
record ModelsInUse(List<Row> models) {

  /**
   * @param name model name in the manifest, e.g. {@code voice-emotion}
   * @param version its version, or {@code null} when the manifest could not be read
   * @param path the path that runs it ({@code hrv-stress}, {@code voice}, {@code camera})
   * @param problem why the version is missing, or {@code null}
   */
  record Row(String name, String version, String path, String problem) {}

  ModelsInUse {
    models = List.copyOf(models);
  }

  /** The models of {@code config}'s enabled paths, versions read from {@code models.manifest}. */
  static ModelsInUse of(AgentConfig config) {
    Map<String, String> used = new LinkedHashMap<>();
    if (config.stress().enabled()) {
      used.put(OnnxStressModel.MODEL_NAME, "hrv-stress");
    }
    if (config.voice().enabled()) {
      used.put(OnnxVoiceEmotionModel.MODEL_NAME, "voice");
    }
    config
        .camera()
        .ifPresent(
            c -> {
              used.put(YuNetFaceDetector.MODEL, "camera");
              used.put(c.vision().expressionModel(), "camera");
            });
    if (used.isEmpty()) {
      return new ModelsInUse(List.of());
    }
    List<Row> rows = new ArrayList<>();
    try {
      ModelManifest manifest = ModelManifest.read(config.models().manifest());
      used.forEach(
          (name, path) ->
              rows.add(
                  manifest
                      .find(name)
                      .map(ModelEntry::version)
                      .map(v -> new Row(name, v, path, null))
                      .orElse(new Row(name, null, path, "not in the manifest"))));
    } catch (ModelLoadException e) {
      used.forEach((name, path) -> rows.add(new Row(name, null, path, "manifest unreadable")));
    }
    return new ModelsInUse(rows);
  }
}
