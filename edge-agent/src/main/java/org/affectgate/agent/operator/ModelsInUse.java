package org.affectgate.agent.operator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.models.RunningModels;
import org.affectgate.features.face.YuNetFaceDetector;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;

/**
 * Which models the enabled paths run, with the versions they run now, for the operator page. The
 * models a path uses are fixed at start-up (from the configuration); their versions are asked of
 * {@link RunningModels} at every {@link #rows()}, so the page follows a hot swap or a rollback. A
 * model the agent does not report as running is shown as a row with a problem, never thrown.
 *
 * @param uses model name to the path that runs it, in path order; empty when no model-based path is
 *     on
 * @param running the versions of the models running now (in memory)
 */
record ModelsInUse(Map<String, String> uses, RunningModels running) {

  /**
   * @param name model name in the manifest, e.g. {@code voice-emotion}
   * @param version the version running now, or {@code null} when the model is not running
   * @param path the path that runs it ({@code hrv-stress}, {@code voice}, {@code camera})
   * @param problem why the version is missing, or {@code null}
   */
  record Row(String name, String version, String path, String problem) {}

  ModelsInUse {
    uses = Collections.unmodifiableMap(new LinkedHashMap<>(uses));
    Objects.requireNonNull(running, "running");
  }

  /** The models of {@code config}'s enabled paths, versions from {@code running}. */
  static ModelsInUse of(AgentConfig config, RunningModels running) {
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
    return new ModelsInUse(used, running);
  }

  /** One row per model in use, with the version running now. Any thread, in memory only. */
  List<Row> rows() {
    if (uses.isEmpty()) {
      return List.of();
    }
    Map<String, String> versions = running.versions();
    List<Row> rows = new ArrayList<>();
    uses.forEach(
        (name, path) -> {
          String v = versions.get(name);
          rows.add(new Row(name, v, path, v == null ? "not running" : null));
        });
    return rows;
  }
}
