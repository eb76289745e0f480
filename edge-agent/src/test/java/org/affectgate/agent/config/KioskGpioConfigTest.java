package org.affectgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpio.kiosk.*}, {@code gpio.button.*}, {@code gpio.presence.*}, {@code
 * camera.requireConsent}.
 */
class KioskGpioConfigTest {
  @TempDir Path dir;

  private AgentConfig load(Map<String, Object> gpio) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", "s1");
    root.put("dataDir", dir.toString());
    root.put("gpio", gpio);
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  private static Map<String, Object> kiosk(Object... kv) {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("kioskId", "entrance");
    k.put("buttonPin", 17);
    k.put("presencePin", 27);
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) {
        k.remove((String) kv[i]);
      } else {
        k.put((String) kv[i], kv[i + 1]);
      }
    }
    return k;
  }

  @Test
  void fullKioskSection_parsed_defaultsGrantBothKioskPurposes() {
    AgentConfig c =
        load(
            Map.of(
                "kiosk", kiosk("noticeLedPin", 23, "noticeSensePin", 24),
                "button", Map.of("longPressMs", 1500),
                "presence", Map.of("holdMs", 8000)));
    KioskGpioConfig k = c.gpio().kiosk().orElseThrow();
    assertThat(k.kioskId()).isEqualTo("entrance");
    assertThat(k.notice()).isEqualTo(KioskGpioConfig.Notice.LED);
    assertThat(k.noticeLedPin()).hasValue(23);
    assertThat(k.noticeSensePin()).hasValue(24);
    assertThat(k.grants()).isEqualTo(Set.of("kiosk-voice", "kiosk-face"));
    assertThat(k.button().longPress()).isEqualTo(Duration.ofMillis(1500));
    assertThat(k.presence().hold()).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void noKioskSection_noKiosk_cameraRequiresConsentByDefault() throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, "site: s1\ndataDir: " + dir + "\ncamera:\n  enabled: true\n");
    AgentConfig c = AgentConfigLoader.load(f);
    assertThat(c.gpio().kiosk()).isEmpty();
    assertThat(c.camera().orElseThrow().requireConsent()).isTrue();
    Files.writeString(
        f, "site: s1\ndataDir: " + dir + "\ncamera:\n  enabled: true\n  requireConsent: false\n");
    assertThat(AgentConfigLoader.load(f).camera().orElseThrow().requireConsent()).isFalse();
  }

  @Test
  void ledNoticeWithoutLedPin_rejectedNamingBothKeys() {
    assertThatThrownBy(() -> load(Map.of("kiosk", kiosk())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpio.kiosk.noticeLedPin must be set when gpio.kiosk.notice is led");
  }

  @Test
  void screenNotice_needsNoLed_butRefusesOne() {
    assertThat(
            load(Map.of("kiosk", kiosk("notice", "screen"))).gpio().kiosk().orElseThrow().notice())
        .isEqualTo(KioskGpioConfig.Notice.SCREEN);
    assertThatThrownBy(() -> load(Map.of("kiosk", kiosk("notice", "screen", "noticeLedPin", 23))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpio.kiosk.noticeLedPin is set but gpio.kiosk.notice is screen");
  }

  @Test
  void pinsShared_rejectedNamingBothKeys() {
    assertThatThrownBy(
            () -> load(Map.of("kiosk", kiosk("noticeLedPin", 22), "pulse", Map.of("pin", 22))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpio.pulse.pin and gpio.kiosk.noticeLedPin are both BCM pin 22");
  }

  @Test
  void badValues_rejectedNamingTheKey() {
    assertThatThrownBy(() -> load(Map.of("kiosk", kiosk("noticeLedPin", 23, "buttonPin", 40))))
        .hasMessageContaining("gpio.kiosk.buttonPin must be a BCM pin 0..27 (got 40)");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "kiosk",
                        kiosk("noticeLedPin", 23, "grants", java.util.List.of("wellness-hr")))))
        .hasMessageContaining(
            "gpio.kiosk.grants may only hold [kiosk-voice, kiosk-face, kiosk-adapt]");
    assertThatThrownBy(() -> load(Map.of("kiosk", kiosk("noticeLedPin", 23, "grants", 5))))
        .hasMessageContaining("gpio.kiosk.grants must be a list of text values");
    assertThatThrownBy(() -> load(Map.of("kiosk", kiosk("notice", "lamp"))))
        .hasMessageContaining("gpio.kiosk.notice must be one of [led, screen] (got lamp)");
    assertThatThrownBy(() -> load(Map.of("kiosk", kiosk("kioskId", null, "noticeLedPin", 23))))
        .hasMessageContaining("gpio.kiosk.kioskId must be set");
    assertThatThrownBy(() -> load(Map.of("kiosk", kiosk("presencePin", null, "noticeLedPin", 23))))
        .hasMessageContaining("gpio.kiosk.presencePin must be set");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "kiosk", kiosk("noticeLedPin", 23), "button", Map.of("longPressMs", 10))))
        .hasMessageContaining("gpio.button.longPressMs must be > gpio.button.debounceMs");
  }

  @Test
  void exampleFile_kioskBlockUncommented_loadsAsDocumented() throws Exception {
    Path example =
        Path.of(System.getProperty("affectgate.repoRoot"), "deploy", "agent.example.yaml");
    StringBuilder yaml = new StringBuilder();
    boolean inBlock = false;
    for (String line : Files.readAllLines(example)) {
      if (line.startsWith("  # kiosk:")) {
        inBlock = true;
      } else if (inBlock && !line.startsWith("  #")) {
        inBlock = false;
      }
      if (inBlock) {
        line = "  " + line.substring(4);
        if (line.trim().startsWith("#")) {
          continue;
        }
      }
      yaml.append(line).append('\n');
    }
    Path f = dir.resolve("agent.yaml");
    Files.writeString(
        f, yaml.toString().replace("dataDir: /var/lib/affectgate", "dataDir: " + dir));
    KioskGpioConfig k = AgentConfigLoader.load(f).gpio().kiosk().orElseThrow();
    assertThat(k.kioskId()).isEqualTo("entrance");
    assertThat(k.noticeLedPin()).hasValue(23);
    assertThat(k.noticeSensePin()).hasValue(24);
    assertThat(k.grants()).containsExactlyInAnyOrder("kiosk-voice", "kiosk-face");
  }

  @Test
  void singleGrantAsText_accepted() {
    KioskGpioConfig k =
        load(Map.of("kiosk", kiosk("noticeLedPin", 23, "grants", "kiosk-voice")))
            .gpio()
            .kiosk()
            .orElseThrow();
    assertThat(k.grants()).containsExactly("kiosk-voice");
  }
}
