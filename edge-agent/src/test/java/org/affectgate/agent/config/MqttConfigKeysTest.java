package org.affectgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.affectgate.device.mqtt.MqttConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code mqtt.protocol} and {@code mqtt.consentMaxAgeSeconds} keys. */
class MqttConfigKeysTest {
  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void absent_defaultsToAutoAndFiveMinutes() throws Exception {
    AgentConfig c = AgentConfigLoader.load(write("site: s1\n"));
    assertThat(c.mqtt().protocol()).isEqualTo(MqttConfig.Protocol.AUTO);
    assertThat(c.mqtt().consentMaxAge()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void protocolAndAge_read_numberOrString() throws Exception {
    AgentConfig five =
        AgentConfigLoader.load(
            write("site: s1\nmqtt:\n  protocol: 5\n  consentMaxAgeSeconds: 60\n"));
    assertThat(five.mqtt().protocol()).isEqualTo(MqttConfig.Protocol.MQTT_5);
    assertThat(five.mqtt().consentMaxAge()).isEqualTo(Duration.ofMinutes(1));
    AgentConfig old = AgentConfigLoader.load(write("site: s1\nmqtt:\n  protocol: \"3.1.1\"\n"));
    assertThat(old.mqtt().protocol()).isEqualTo(MqttConfig.Protocol.MQTT_3_1_1);
  }

  @Test
  void badProtocol_errorNamesKeyChoicesAndFile() throws Exception {
    Path f = write("site: s1\nmqtt:\n  protocol: 4\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage("mqtt.protocol must be one of [auto, 5, 3.1.1] (got 4) in " + f);
  }

  @Test
  void badConsentAge_errorNamesKeyAndValue() throws Exception {
    Path f = write("site: s1\nmqtt:\n  consentMaxAgeSeconds: 7200\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mqtt.consentMaxAgeSeconds must be between 1 and 3600 (got 7200.0)");
  }
}
