package org.affectgate.agent.escalation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code escalation.*}: defaults, parsing, and errors that name the key. */
class EscalationConfigTest {
  @TempDir Path dir;

  private AgentConfig load(Map<String, Object> escalation, Map<String, Object> gpio) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", "s1");
    root.put("dataDir", dir.toString());
    if (escalation != null) {
      root.put("escalation", escalation);
    }
    if (gpio != null) {
      root.put("gpio", gpio);
    }
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  @Test
  void absent_disabledWithDocumentedDefaults_auditInDataDir() {
    EscalationConfig c = load(null, null).escalation();
    assertThat(c.enabled()).isFalse();
    assertThat(c.cooldown()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.renotifyAfter()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.expireAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.maxOpen()).isEqualTo(64);
    assertThat(c.pagerPin()).isEmpty();
    assertThat(c.auditFile()).isEqualTo(dir.resolve("escalations.db"));
  }

  @Test
  void exampleConfig_documentsTheDefaults() {
    EscalationConfig c =
        AgentConfigLoader.load(
                Path.of(System.getProperty("affectgate.repoRoot"), "deploy", "agent.example.yaml"))
            .escalation();
    EscalationConfig d = EscalationConfig.defaults(Path.of("/var/lib/affectgate"));
    assertThat(c).isEqualTo(d);
  }

  @Test
  void fullSection_parsed() {
    EscalationConfig c =
        load(
                Map.of(
                    "enabled", true,
                    "cooldownSeconds", 120,
                    "renotifySeconds", 30,
                    "expireSeconds", 90,
                    "maxOpen", 8,
                    "pagerPin", 5,
                    "auditFile", "audit/esc.db",
                    "auditRetentionDays", 30),
                null)
            .escalation();
    assertThat(c.enabled()).isTrue();
    assertThat(c.cooldown()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.renotifyAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.expireAfter()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.maxOpen()).isEqualTo(8);
    assertThat(c.pagerPin()).hasValue(5);
    assertThat(c.auditFile()).isEqualTo(dir.resolve("audit/esc.db"));
    assertThat(c.auditRetention()).isEqualTo(Duration.ofDays(30));
  }

  @Test
  void outOfRangeValues_rejectedNamingTheKey() {
    assertThatThrownBy(() -> load(Map.of("cooldownSeconds", 1), null))
        .hasMessage("escalation.cooldownSeconds must be between 10 and 86400 (got 1)");
    assertThatThrownBy(() -> load(Map.of("renotifySeconds", 120, "expireSeconds", 60), null))
        .hasMessageStartingWith(
            "escalation.expireSeconds must be greater than escalation.renotifySeconds (got 60"
                + " and 120)");
    assertThatThrownBy(() -> load(Map.of("maxOpen", 0), null))
        .hasMessage("escalation.maxOpen must be between 1 and 4096 (got 0)");
    assertThatThrownBy(() -> load(Map.of("pagerPin", 40), null))
        .hasMessageContaining("escalation.pagerPin");
    assertThatThrownBy(() -> load(Map.of("enabled", "maybe"), null))
        .hasMessage("escalation.enabled must be true or false (got maybe)");
    assertThatThrownBy(() -> load(Map.of("cooldown", 5), null))
        .hasMessage("unknown key escalation.cooldown");
  }

  @Test
  void pagerPinClaimedByTheKioskOrPulse_rejectedNamingBothKeys() {
    assertThatThrownBy(
            () ->
                load(
                    Map.of("pagerPin", 17),
                    Map.of(
                        "kiosk",
                        Map.of(
                            "kioskId",
                            "entrance",
                            "buttonPin",
                            17,
                            "presencePin",
                            27,
                            "notice",
                            "screen"))))
        .hasMessage("escalation.pagerPin 17 is already gpio.kiosk.buttonPin");
    assertThatThrownBy(() -> load(Map.of("pagerPin", 4), Map.of("pulse", Map.of("pin", 4))))
        .hasMessage("escalation.pagerPin 4 is already gpio.pulse.pin");
  }
}
