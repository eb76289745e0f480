package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFilterTest {

  @ParameterizedTest
  @CsvSource({
    "a/b/c, a/b/c, true",
    "a/b/c, a/b, false",
    "a/+/c, a/x/c, true",
    "a/+/c, a//c, true",
    "a/+/c, a/x/y/c, false",
    "a/+, a, false",
    "a/#, a, true",
    "a/#, a/b/c, true",
    "#, a/b, true",
    "#, $SYS/x, false",
    "+/x, $SYS/x, false",
    "$SYS/#, $SYS/x, true",
    "p/+/wearable/+/hr, p/s/wearable/d/hr, true",
    "p/+/wearable/+/hr, p/s/wearable/d/hr/ble, false",
    "p/+/wearable/+/hr/ble, p/s/wearable/d/hr/ble, true"
  })
  void matches_followsMqtt311Rules(String filter, String topic, boolean expected) {
    assertThat(TopicFilter.matches(filter, topic)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/#/b", "a/b#", "a+/b", "a/+x"})
  void requireValidFilter_invalid_throws(String filter) {
    assertThatThrownBy(() -> TopicFilter.requireValidFilter(filter))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/+", "a/#"})
  void requireValidTopic_emptyOrWildcard_throws(String topic) {
    assertThatThrownBy(() -> TopicFilter.requireValidTopic(topic))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
