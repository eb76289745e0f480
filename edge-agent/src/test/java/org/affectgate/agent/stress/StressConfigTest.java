package org.affectgate.agent.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.config.ConfigException;
import org.affectgate.agent.pipeline.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hrv.stress.*}: parsing, the deployment-context rule, and the start-up model check. */
class StressConfigTest {
  private static final Path MODELS = Path.of(System.getProperty("affectgate.repoRoot"), "models");

  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void absent_stressStageOff() throws Exception {
    AgentConfig c = AgentConfigLoader.load(write("site: s1\ncontext: wellness-programme\n"));
    assertThat(c.stress().enabled()).isFalse();
  }

  @Test
  void enabledInWellnessProgramme_on() throws Exception {
    AgentConfig c =
        AgentConfigLoader.load(
            write("site: s1\ncontext: wellness-programme\nhrv:\n  stress:\n    enabled: true\n"));
    assertThat(c.stress().enabled()).isTrue();
  }

  @Test
  void enabledInRetail_refusedNamingKeyAndContext() throws Exception {
    Path f = write("site: s1\ncontext: retail\nhrv:\n  stress:\n    enabled: true\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hrv.stress.enabled")
        .hasMessageContaining("retail");
  }

  @Test
  void notABoolean_namesKey() throws Exception {
    Path f = write("site: s1\ncontext: healthcare\nhrv:\n  stress:\n    enabled: sometimes\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hrv.stress.enabled");
  }

  /** A manifest whose hrv-stress entry was built for the 60 s relative spec stops the agent. */
  @Test
  void enabledWithModelOfAnotherFeatureSpec_agentRefusesToStart() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(MODELS.resolve("manifest.json").toFile());
    var models = manifest.withArray("models");
    for (int i = models.size() - 1; i >= 0; i--) {
      if (!"hrv-stress".equals(models.get(i).get("name").asText())) {
        models.remove(i);
      }
    }
    ((ObjectNode) models.get(0)).put("featureSpec", "hrv-time-rel-v1");
    Files.createDirectories(dir.resolve("m/hrv-stress"));
    Files.copy(
        MODELS.resolve("hrv-stress/hrv-stress.onnx"), dir.resolve("m/hrv-stress/hrv-stress.onnx"));
    json.writeValue(dir.resolve("m/manifest.json").toFile(), manifest);
    int unusedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      unusedPort = s.getLocalPort();
    }
    AgentConfig config =
        AgentConfigLoader.load(
            write(
                "site: s1\ncontext: wellness-programme\ndataDir: "
                    + dir.resolve("data")
                    + "\nmodels:\n  manifest: "
                    + dir.resolve("m/manifest.json")
                    + "\nmqtt:\n  uri: tcp://127.0.0.1:"
                    + unusedPort
                    + "\nhttp:\n  port: 0\nhrv:\n  stress:\n    enabled: true\n"));

    assertThatThrownBy(() -> Agent.start(config, Agent.Options.defaults()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("hrv.stress.enabled")
        .hasMessageContaining("hrv-time180-run10-v1");
  }
}
