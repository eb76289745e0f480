package org.affectgate.agent.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.config.ConfigException;
import org.affectgate.features.voice.SegmenterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoiceConfigTest {
  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void exampleConfig_voiceOffWithDocumentedDefaults() {
    Path example =
        Path.of(System.getProperty("affectgate.repoRoot"), "deploy", "agent.example.yaml");
    VoiceConfig v = AgentConfigLoader.load(example).voice();
    assertThat(v.enabled()).isFalse();
    assertThat(v.source()).isEqualTo(VoiceConfig.Source.MQTT);
    assertThat(v.segmenter()).isEqualTo(SegmenterConfig.DEFAULTS);
    assertThat(v.queueChunks()).isEqualTo(VoiceConfig.DEFAULT_QUEUE_CHUNKS);
    assertThat(v.windowSeconds()).isEqualTo(60);
  }

  @Test
  void noVoiceSection_disabled() throws Exception {
    AgentConfig c = AgentConfigLoader.load(write("site: s1\n"));
    assertThat(c.voice().enabled()).isFalse();
  }

  @Test
  void localSource_readsCaptureSettings() throws Exception {
    AgentConfig c =
        AgentConfigLoader.load(
            write(
                "site: s1\ndataDir: "
                    + dir
                    + "\nvoice:\n  enabled: true\n  source: local\n"
                    + "  local:\n    kioskId: k-1\n    sampleRate: 48000\n"));
    assertThat(c.voice().local()).get().extracting(l -> l.preferredRateHz()).isEqualTo(48_000);
  }

  @Test
  void enabledInWorkplaceContext_refusedByTheDeploymentGuard() throws Exception {
    Path f = write("site: s1\ncontext: workplace\nvoice:\n  enabled: true\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("voice.enabled is true, but");
    assertThat(AgentConfigLoader.load(write("site: s1\ncontext: workplace\n")).voice().enabled())
        .isFalse();
  }

  @Test
  void localWithoutKiosk_namesKey() throws Exception {
    Path f = write("site: s1\nvoice:\n  enabled: true\n  source: local\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("voice.local.kioskId");
  }

  @Test
  void badValues_nameTheirKeys() throws Exception {
    assertThatThrownBy(() -> AgentConfigLoader.load(write("site: s1\nvoice:\n  queueChunks: 0\n")))
        .hasMessageContaining("voice.queueChunks must be in 1..100000 (got 0)");
    assertThatThrownBy(
            () -> AgentConfigLoader.load(write("site: s1\nvoice:\n  windowStepMs: 5000\n")))
        .hasMessageContaining("voice.windowStepMs");
    assertThatThrownBy(() -> AgentConfigLoader.load(write("site: s1\nvoice:\n  source: usb\n")))
        .hasMessageContaining("voice.source");
  }
}
