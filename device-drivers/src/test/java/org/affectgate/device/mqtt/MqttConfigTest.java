package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MqttConfigTest {
  private static MqttConfig with(
      String uri, String clientId, String prefix, int max, String user, String pw) {
    return new MqttConfig(uri, clientId, prefix, max, false, Path.of("/tmp/x"), user, pw);
  }

  @Test
  void defaults_haveDocumentedValues() {
    MqttConfig c = MqttConfig.defaults("tcp://127.0.0.1:1883", "gw-1");
    assertThat(c.topicPrefix()).isEqualTo("affectgate/v1");
    assertThat(c.maxPayloadBytes()).isEqualTo(65_536);
    assertThat(c.cleanSession()).isFalse();
    assertThat(c.persistenceDir()).isEqualTo(Path.of("/var/lib/affectgate/mqtt"));
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
  void withers_changeOneField() {
    MqttConfig c =
        MqttConfig.defaults("ssl://h:8883", "a").withClientId("b").withPersistenceDir(null);
    assertThat(c.clientId()).isEqualTo("b");
    assertThat(c.persistenceDir()).isNull();
    assertThat(c.uri()).isEqualTo("ssl://h:8883");
  }
}
