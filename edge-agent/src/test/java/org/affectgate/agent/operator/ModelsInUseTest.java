package org.affectgate.agent.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsInUseTest {
  @TempDir Path dir;

  private AgentConfig stressAndVoice() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("site", "store-1");
    tree.put("dataDir", dir.toString());
    tree.put("context", "wellness-programme");
    tree.put("hrv", Map.of("stress", Map.of("enabled", true)));
    tree.put("voice", Map.of("enabled", true));
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(tree));
  }

  @Test
  void rows_followTheRunningVersions_andAModelNotRunningIsARowWithAProblem() {
    AtomicReference<Map<String, String>> running =
        new AtomicReference<>(Map.of("hrv-stress", "2.1.0", "voice-emotion", "2.0.0"));
    ModelsInUse inUse = ModelsInUse.of(stressAndVoice(), running::get);

    assertThat(inUse.rows())
        .containsExactly(
            new ModelsInUse.Row("hrv-stress", "2.1.0", "hrv-stress", null),
            new ModelsInUse.Row("voice-emotion", "2.0.0", "voice", null));

    running.set(Map.of("voice-emotion", "9.0.0"));

    assertThat(inUse.rows())
        .containsExactly(
            new ModelsInUse.Row("hrv-stress", null, "hrv-stress", "not running"),
            new ModelsInUse.Row("voice-emotion", "9.0.0", "voice", null));
  }

  @Test
  void noModelPath_noRows_andTheSourceIsNotAsked() {
    Map<String, Object> tree = Map.of("site", "store-1", "dataDir", dir.toString());
    AgentConfig config = AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(tree));
    ModelsInUse inUse =
        ModelsInUse.of(
            config,
            () -> {
              throw new AssertionError("asked for versions without a model path");
            });

    assertThat(inUse.rows()).isEmpty();
  }
}
