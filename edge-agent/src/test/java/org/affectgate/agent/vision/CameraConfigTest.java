package org.affectgate.agent.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.junit.jupiter.api.Test;

class CameraConfigTest {
  private static AgentConfig load(Map<String, Object> camera) {
    return AgentConfigLoader.fromTree(
        new ObjectMapper()
            .valueToTree(Map.of("site", "s1", "dataDir", "/tmp/ag", "camera", camera)));
  }

  @Test
  void noCameraSection_camerasOff() {
    assertThat(
            AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(Map.of("site", "s1")))
                .camera())
        .isEmpty();
  }

  @Test
  void enabledWithKeys_givesThoseSettingsAndRelativeManifestUnderDataDir() {
    AgentConfig c =
        load(
            Map.of(
                "enabled",
                true,
                "k",
                7,
                "workers",
                2,
                "expressionModel",
                "face-expression-int8",
                "maxPixels",
                640 * 480));
    CameraConfig camera = c.camera().orElseThrow();
    assertThat(camera.k()).isEqualTo(7);
    assertThat(camera.workers()).isEqualTo(2);
    assertThat(camera.vision().expressionModel()).isEqualTo("face-expression-int8");
    assertThat(camera.limits().maxPixels()).isEqualTo(640 * 480);
    AgentConfig relative =
        AgentConfigLoader.fromTree(
            new ObjectMapper()
                .valueToTree(
                    Map.of(
                        "site",
                        "s1",
                        "dataDir",
                        "/tmp/ag",
                        "models",
                        Map.of("manifest", "m.json"))));
    assertThat(relative.models().manifest()).isEqualTo(Path.of("/tmp/ag/m.json"));
  }

  @Test
  void kBelowFive_isRefusedNamingTheKey_evenWhenDisabled() {
    assertThatThrownBy(() -> load(Map.of("enabled", false, "k", 3)))
        .hasMessageContaining("camera.k must be >= 5 (got 3)");
  }

  @Test
  void badValues_nameTheirKeys() {
    assertThatThrownBy(() -> load(Map.of("scoreThreshold", 1.5)))
        .hasMessageContaining("camera.scoreThreshold");
    assertThatThrownBy(() -> load(Map.of("expressionModel", "emotion-9000")))
        .hasMessageContaining("camera.expressionModel");
    assertThatThrownBy(() -> load(Map.of("windowSeconds", 1)))
        .hasMessageContaining("camera.windowSeconds");
    assertThatThrownBy(() -> load(Map.of("maxWidth", 0))).hasMessageContaining("camera.maxWidth");
    assertThatThrownBy(() -> load(Map.of("smoothing", 0))).hasMessageContaining("camera.smoothing");
    assertThatThrownBy(() -> load(Map.of("colour", "yes"))).hasMessageContaining("camera.colour");
  }
}
