package org.affectgate.device.wearable;

import static org.affectgate.device.wearable.ParseAssertions.assertOk;
import static org.affectgate.device.wearable.ParseAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.mqtt.TopicFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WearableTopicsTest {
  private final WearableTopics topics = new WearableTopics("affectgate/v1", "s_1");

  @Test
  void topic_jsonAndBle_followTheTree() {
    assertThat(topics.topic("lab-1", "polar.H10_01", PayloadFormat.JSON))
        .isEqualTo("affectgate/v1/lab-1/wearable/polar.H10_01/hr");
    assertThat(topics.topic("lab-1", "polar.H10_01", PayloadFormat.BLE))
        .isEqualTo("affectgate/v1/lab-1/wearable/polar.H10_01/hr/ble");
  }

  @Test
  void parse_builtTopics_roundTrip() {
    for (PayloadFormat f : PayloadFormat.values()) {
      WearableTopic t = assertOk(topics.parse(topics.topic("s_1", "d.2", f)));
      assertThat(new WearableTopics("affectgate/v1").topic("s_1", "d.2", f))
          .isEqualTo(topics.topic("s_1", "d.2", f));
      assertThat(t).isEqualTo(new WearableTopic("s_1", "d.2", f));
    }
  }

  @Test
  void subscriptionFilters_matchBothFormatsOnly() {
    assertThat(topics.subscriptionFilters())
        .containsExactly("affectgate/v1/s_1/wearable/+/hr", "affectgate/v1/s_1/wearable/+/hr/ble");
    String json = topics.topic("s_1", "b", PayloadFormat.JSON);
    String ble = topics.topic("s_1", "b", PayloadFormat.BLE);
    assertThat(TopicFilter.matches(topics.subscriptionFilters().get(0), json.replace("s_1", "x")))
        .isFalse();
    assertThat(TopicFilter.matches(topics.subscriptionFilters().get(0), json)).isTrue();
    assertThat(TopicFilter.matches(topics.subscriptionFilters().get(0), ble)).isFalse();
    assertThat(TopicFilter.matches(topics.subscriptionFilters().get(1), ble)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "other/v1/s/wearable/d/hr",
        "affectgate/v1",
        "affectgate/v1/",
        "affectgate/v1/s/wearable/d",
        "affectgate/v1/s/wearable/d/hr/",
        "affectgate/v1/s/wearable/d/hr/json",
        "affectgate/v1/s/kiosk/d/hr",
        "affectgate/v1//wearable/d/hr",
        "affectgate/v1/s/wearable//hr",
        "affectgate/v1/s p/wearable/d/hr",
        "affectgate/v1/s/wearable/d\u00e9/hr",
        "affectgate/v1/s/x/wearable/d/hr",
        "affectgate/v2/s/wearable/d/hr",
        "affectgate/v1/othersite/wearable/d/hr",
        "affectgate/v1/othersite/wearable/d/hr/ble",
        "affectgate/v1/S_1/wearable/d/hr"
      })
  void parse_topicOutsideTree_rejectsUnknownTopic(String topic) {
    assertRejected(topics.parse(topic), RejectReason.UNKNOWN_TOPIC);
  }

  @Test
  void parse_idOf65Chars_rejectsUnknownTopic() {
    String id = "a".repeat(65);
    assertRejected(
        topics.parse("affectgate/v1/s_1/wearable/" + id + "/hr"), RejectReason.UNKNOWN_TOPIC);
    assertOk(topics.parse("affectgate/v1/s_1/wearable/" + id.substring(1) + "/hr"));
    assertThatThrownBy(() -> new WearableTopics("affectgate/v1", id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("site");
  }

  @Test
  void topic_invalidDeviceId_throws() {
    assertThatThrownBy(() -> topics.topic("s", "a/b", PayloadFormat.JSON))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deviceId");
  }

  @Test
  void formatOfSuffix_classifiesBySuffix() {
    assertThat(WearableTopics.formatOfSuffix("x/hr")).isEqualTo(PayloadFormat.JSON);
    assertThat(WearableTopics.formatOfSuffix("x/hr/ble")).isEqualTo(PayloadFormat.BLE);
    assertThat(WearableTopics.formatOfSuffix("x/hrv")).isNull();
  }

  @Test
  void unboundTopics_buildOnly_parseIsAProgrammingError() {
    WearableTopics builder = new WearableTopics("affectgate/v1");
    assertThatThrownBy(() -> builder.parse("affectgate/v1/s/wearable/d/hr"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(builder::subscriptionFilters).isInstanceOf(IllegalStateException.class);
  }
}
