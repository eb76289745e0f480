package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeMqttTransportTest {
  private final FakeMqttTransport fake = new FakeMqttTransport();
  private final List<String> got = new ArrayList<>();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void publish_deliversToEveryMatchingWildcardSubscription() {
    fake.subscribe("a/+/c", (t, p, r) -> got.add("plus:" + t));
    fake.subscribe("a/#", (t, p, r) -> got.add("hash:" + t));
    fake.subscribe("x/y", (t, p, r) -> got.add("other:" + t));
    fake.start();

    fake.publish("a/b/c", bytes("1"), 1, false);
    fake.publish("a/b/c/d", bytes("2"), 1, false);

    assertThat(got).containsExactly("plus:a/b/c", "hash:a/b/c", "hash:a/b/c/d");
    assertThat(fake.published())
        .extracting(FakeMqttTransport.Published::topic)
        .containsExactly("a/b/c", "a/b/c/d");
  }

  @Test
  void publish_handlersGetIndependentPayloadCopies() {
    List<byte[]> payloads = new ArrayList<>();
    fake.subscribe(
        "t",
        (t, p, r) -> {
          payloads.add(p);
          p[0] = 'X';
        });
    fake.subscribe("t", (t, p, r) -> payloads.add(p));
    fake.start();
    byte[] original = bytes("abc");
    fake.publish("t", original, 1, false);
    assertThat(new String(payloads.get(1), StandardCharsets.UTF_8)).isEqualTo("abc");
    assertThat(new String(original, StandardCharsets.UTF_8)).isEqualTo("abc");
  }

  @Test
  void publish_whileDisconnected_throwsUnavailable() {
    assertThatThrownBy(() -> fake.publish("t", bytes("x"), 1, false))
        .isInstanceOf(MqttUnavailableException.class);
    fake.start();
    fake.setConnected(false);
    assertThatThrownBy(() -> fake.publish("t", bytes("x"), 1, false))
        .isInstanceOf(MqttUnavailableException.class);
    fake.setConnected(true);
    fake.publish("t", bytes("x"), 1, false);
    assertThat(fake.published()).hasSize(1);
  }

  @Test
  void subscribe_afterRetainedPublish_replaysLastRetainedFlaggedRetained_liveOnesNot() {
    fake.start();
    fake.publish("cfg/a", bytes("old"), 1, true);
    fake.publish("cfg/a", bytes("new"), 1, true);
    fake.subscribe(
        "cfg/+", (t, p, r) -> got.add(t + "=" + new String(p, StandardCharsets.UTF_8) + "," + r));
    fake.publish("cfg/a", bytes("live"), 1, true);
    assertThat(got).containsExactly("cfg/a=new,true", "cfg/a=live,false");
  }

  @Test
  void publish_wildcardTopicOrBadQos_throwsIllegalArgument() {
    fake.start();
    assertThatThrownBy(() -> fake.publish("a/+", bytes("x"), 1, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fake.publish("a", bytes("x"), 3, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void close_disconnectsForGood() {
    fake.start();
    fake.close();
    fake.start();
    assertThat(fake.isConnected()).isFalse();
  }
}
