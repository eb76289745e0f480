package org.affectgate.agent.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.features.fusion.EpisodeConfig;
import org.affectgate.features.fusion.FusionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RespondConfigTest {
  @TempDir Path dir;

  private AgentConfig load(Map<String, Object> respond, String context) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", "site-1");
    root.put("dataDir", dir.toString());
    if (context != null) {
      root.put("context", context);
    }
    root.put("respond", respond);
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  @Test
  void defaults_offWithTwoHertz() {
    RespondConfig c = load(Map.of(), null).respond();
    assertThat(c.enabled()).isFalse();
    assertThat(c.minInterval().toMillis()).isEqualTo(500);
    assertThat(c.maxSseClientsPerKiosk()).isEqualTo(4);
  }

  @Test
  void kioskTokens_resolvedAgainstDataDir() {
    RespondConfig c =
        load(Map.of("enabled", true, "kioskTokens", Map.of("lobby-1", "tokens/lobby-1")), null)
            .respond();
    assertThat(c.kioskTokens()).containsEntry("lobby-1", dir.resolve("tokens/lobby-1"));
  }

  @Test
  void workplaceContext_refusesRespond_namingTheKey() {
    assertThatThrownBy(() -> load(Map.of("enabled", true), "workplace"))
        .hasMessageContaining("respond.enabled")
        .hasMessageContaining("workplace");
  }

  @Test
  void badValues_errorsNameTheKey() {
    assertThatThrownBy(() -> load(Map.of("maxRateHz", 50), null))
        .hasMessageContaining("respond.maxRateHz must be 0.1..10 (got 50.0)");
    assertThatThrownBy(() -> load(Map.of("maxSseClientsPerKiosk", 0), null))
        .hasMessageContaining("respond.maxSseClientsPerKiosk");
    assertThatThrownBy(() -> load(Map.of("minChange", 2), null))
        .hasMessageContaining("respond.minChange");
    assertThatThrownBy(() -> load(Map.of("kioskTokens", Map.of("bad id!", "x")), null))
        .hasMessageContaining("respond.kioskTokens.bad id!");
    assertThatThrownBy(() -> load(Map.of("kioskTokens", "x"), null))
        .hasMessageContaining("respond.kioskTokens must be a mapping");
    assertThatThrownBy(() -> load(Map.of("maxRate", 2), null))
        .hasMessageContaining("unknown key respond.maxRate");
  }

  private AgentConfig loadFusion(Map<String, Object> fusion) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", "site-1");
    root.put("dataDir", dir.toString());
    root.put("fusion", fusion);
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  @Test
  void fusionAndEpisodeKeys_readFromTheFile_defaultsOtherwise() {
    RespondConfig d = load(Map.of(), null).respond();
    assertThat(d.fusion()).isEqualTo(FusionConfig.defaults());
    assertThat(d.episode()).isEqualTo(EpisodeConfig.defaults());
    RespondConfig c =
        loadFusion(
                Map.of(
                    "halfLifeSeconds", 5,
                    "reliability", Map.of("faceArousal", 0.5),
                    "episode", Map.of("valenceBelow", -0.3, "sustainSeconds", 8)))
            .respond();
    assertThat(c.fusion().halfLife().toMillis()).isEqualTo(5_000);
    assertThat(c.fusion().reliability().faceArousal()).isEqualTo(0.5);
    assertThat(c.fusion().reliability().voiceArousal())
        .isEqualTo(FusionConfig.DEFAULT_RELIABILITY.voiceArousal());
    assertThat(c.episode().valenceBelow()).isEqualTo(-0.3);
    assertThat(c.episode().sustain().toMillis()).isEqualTo(8_000);
    assertThat(c.episode().arousalAbove()).isEqualTo(EpisodeConfig.DEFAULT_AROUSAL_ABOVE);
  }

  @Test
  void fusionBadValues_errorsNameTheKey() {
    assertThatThrownBy(() -> loadFusion(Map.of("episode", Map.of("valenceBelow", 2))))
        .hasMessageContaining("fusion.episode.valenceBelow");
    assertThatThrownBy(() -> loadFusion(Map.of("halfLifeSeconds", -1)))
        .hasMessageContaining("fusion.halfLifeSeconds");
    assertThatThrownBy(() -> loadFusion(Map.of("reliability", Map.of("voiceValence", -1))))
        .hasMessageContaining("fusion.reliability.voiceValence");
    assertThatThrownBy(() -> loadFusion(Map.of("halfLife", 3)))
        .hasMessageContaining("unknown key fusion.halfLife");
  }

  @Test
  void tokenFiles_missingOrShort_refusedAtStartUp_namingTheKey() throws Exception {
    Path shortToken = dir.resolve("short");
    Files.writeString(shortToken, "abc\n");
    assertThatThrownBy(() -> KioskTokens.load(Map.of("lobby-1", dir.resolve("absent"))))
        .hasMessageContaining("respond.kioskTokens.lobby-1")
        .hasMessageContaining("absent");
    assertThatThrownBy(() -> KioskTokens.load(Map.of("lobby-2", shortToken)))
        .hasMessageContaining("respond.kioskTokens.lobby-2")
        .hasMessageContaining("24..256");
    Path good = dir.resolve("good");
    Files.writeString(good, "  0123456789abcdefghijklmn \n");
    KioskTokens tokens = KioskTokens.load(Map.of("lobby-3", good));
    assertThat(tokens.matches("lobby-3", "0123456789abcdefghijklmn")).isTrue();
    assertThat(tokens.matches("lobby-3", "0123456789abcdefghijklmX")).isFalse();
    assertThat(tokens.matches("lobby-1", "0123456789abcdefghijklmn")).isFalse();
  }
}
