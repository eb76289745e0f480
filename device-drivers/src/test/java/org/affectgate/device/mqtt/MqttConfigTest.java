package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MqttConfigTest {
  private static MqttConfig with(
      String uri, String clientId, String prefix, int max, String user, String pw) {
    return MqttConfig.builder(uri, clientId)
        .topicPrefix(prefix)
        .maxPayloadBytes(max)
        .persistenceDir(Path.of("/tmp/x"))
        .username(user)
        .passwordFile(pw)
        .build();
  }

  @Test
  void defaults_haveDocumentedValues() {
    MqttConfig c = MqttConfig.defaults("tcp://127.0.0.1:1883", "gw-1");
    assertThat(c.topicPrefix()).isEqualTo("affectgate/v1");
    assertThat(c.maxPayloadBytes()).isEqualTo(65_536);
    assertThat(c.cleanSession()).isFalse();
    assertThat(c.persistenceDir()).isEqualTo(Path.of("/var/lib/affectgate/mqtt"));
    assertThat(c.protocol()).isEqualTo(MqttConfig.Protocol.AUTO);
    assertThat(c.consentMaxAge()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void protocol_parsesTheThreeKeys_elseNamesKeyChoicesAndValue() {
    assertThat(MqttConfig.Protocol.parse("auto")).isEqualTo(MqttConfig.Protocol.AUTO);
    assertThat(MqttConfig.Protocol.parse("5")).isEqualTo(MqttConfig.Protocol.MQTT_5);
    assertThat(MqttConfig.Protocol.parse("3.1.1")).isEqualTo(MqttConfig.Protocol.MQTT_3_1_1);
    assertThatThrownBy(() -> MqttConfig.Protocol.parse("3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mqtt.protocol must be one of [auto, 5, 3.1.1] (got 3)");
  }

  @Test
  void ctor_consentMaxAgeOutOfRange_messageNamesKeyAndValue() {
    MqttConfig d = MqttConfig.defaults("tcp://h:1", "c");
    for (Duration bad :
        new Duration[] {Duration.ZERO, Duration.ofMillis(500), Duration.ofHours(2)}) {
      assertThatThrownBy(() -> d.toBuilder().consentMaxAge(bad).build())
          .as(bad.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("mqtt.consentMaxAgeSeconds must be between 1 and 3600")
          .hasMessageContaining("got " + bad.toMillis() / 1000.0);
    }
  }

  @Test
  void ctor_badUri_messageNamesKey() {
    assertThatThrownBy(() -> with(null, "c", "p", 1, null, null)).hasMessageContaining("mqtt.uri");
    assertThatThrownBy(() -> with("http://x", "c", "p", 1, null, null))
        .hasMessageContaining("mqtt.uri")
        .hasMessageContaining("http://x");
  }

  @Test
  void ctor_blankClientId_messageNamesKey() {
    assertThatThrownBy(() -> with("tcp://h:1", " ", "p", 1, null, null))
        .hasMessageContaining("mqtt.clientId");
  }

  @Test
  void ctor_prefixWithWildcardOrSlashes_messageNamesKey() {
    for (String p : new String[] {"", "a/+", "a/#", "/a", "a/", "a//b"}) {
      assertThatThrownBy(() -> with("tcp://h:1", "c", p, 1, null, null))
          .as(p)
          .hasMessageContaining("mqtt.topicPrefix");
    }
  }

  @Test
  void ctor_nonPositivePayloadCap_messageNamesKeyAndValue() {
    assertThatThrownBy(() -> with("tcp://h:1", "c", "p", -1, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mqtt.maxPayloadBytes")
        .hasMessageContaining("got -1");
  }

  @Test
  void ctor_passwordFileWithoutUsername_messageNamesKeys() {
    assertThatThrownBy(() -> with("tcp://h:1", "c", "p", 1, null, "/etc/pw"))
        .hasMessageContaining("mqtt.passwordFile")
        .hasMessageContaining("mqtt.username");
  }

  @Test
  void toBuilder_changesOnlyTheFieldsSet() {
    MqttConfig before =
        MqttConfig.builder("ssl://h:8883", "a")
            .topicPrefix("site/x")
            .maxPayloadBytes(1024)
            .cleanSession(true)
            .username("u")
            .passwordFile("/etc/pw")
            .consentMaxAge(Duration.ofSeconds(30))
            .tls(new MqttTlsConfig(Path.of("/etc/ca.pem"), null, null))
            .build();
    MqttConfig c =
        before.toBuilder()
            .clientId("b")
            .persistenceDir(null)
            .protocol(MqttConfig.Protocol.MQTT_3_1_1)
            .build();
    assertThat(c)
        .isEqualTo(
            new MqttConfig(
                "ssl://h:8883",
                "b",
                "site/x",
                1024,
                true,
                null,
                "u",
                "/etc/pw",
                MqttConfig.Protocol.MQTT_3_1_1,
                Duration.ofSeconds(30),
                before.tls()));
    assertThat(before.toBuilder().build()).isEqualTo(before);
  }

  @Test
  void builder_badValue_isRejectedAtBuildNamingTheKey() {
    MqttConfig.Builder b = MqttConfig.builder("tcp://h:1", "c").maxPayloadBytes(0);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mqtt.maxPayloadBytes must be in 1..268435455 (got 0)");
  }
}
