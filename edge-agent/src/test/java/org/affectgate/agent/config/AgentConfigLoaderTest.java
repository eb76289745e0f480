package org.affectgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.affectgate.agent.context.DeploymentContext;
import org.affectgate.sync.outbox.Synchronous;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void exampleConfig_loadsWithDocumentedDefaults() {
    Path example =
        Path.of(System.getProperty("affectgate.repoRoot"), "deploy", "agent.example.yaml");
    AgentConfig c = AgentConfigLoader.load(example);
    assertThat(c.site()).isEqualTo("store-001");
    assertThat(c.hrv().window()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.hrv().step()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.aggregation().k()).isEqualTo(5);
    assertThat(c.outbox().synchronous()).isEqualTo(Synchronous.FULL);
    assertThat(c.outbox().file()).isEqualTo(Path.of("/var/lib/affectgate/outbox.db"));
    assertThat(c.influx()).isEmpty();
    assertThat(c.mqtt().cleanSession()).isFalse();
    assertThat(c.deployment().context()).isEqualTo(DeploymentContext.RETAIL);
    assertThat(c.deployment().purpose()).isEmpty();
    assertThat(c.http().tokenFile()).isEqualTo(Path.of("/var/lib/affectgate/admin-token"));
    assertThat(c.consent().saltFile()).isEqualTo(Path.of("/var/lib/affectgate/consent.salt"));
  }

  @Test
  void context_andPurpose_read() throws Exception {
    AgentConfig c =
        AgentConfigLoader.load(
            write(
                "site: s1\ncontext: wellness-programme\n"
                    + "contextPurpose: \"medical: cardiac rehabilitation clinic\"\n"));
    assertThat(c.deployment().context()).isEqualTo(DeploymentContext.WELLNESS_PROGRAMME);
    assertThat(c.deployment().purpose()).contains("medical: cardiac rehabilitation clinic");
  }

  @Test
  void unknownContext_namesKeyAndChoices() throws Exception {
    Path f = write("site: s1\ncontext: office\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "context must be one of [retail, wellness-programme, workplace, education, healthcare,"
                + " public-space] (got office)");
  }

  @Test
  void purposeNeitherMedicalNorSafety_namesKey() throws Exception {
    Path f = write("site: s1\ncontext: workplace\ncontextPurpose: engagement analytics\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("contextPurpose must read 'medical: <description>'")
        .hasMessageContaining(f.toString());
  }

  @Test
  void retentionDays_perPurpose() throws Exception {
    AgentConfig c =
        AgentConfigLoader.load(
            write("site: s1\nretentionDays:\n  wellness-hr: 30\n  checkEveryMinutes: 15\n"));
    assertThat(c.retention().perPurpose())
        .containsEntry("wellness-hr", Duration.ofDays(30))
        .containsEntry("kiosk-voice", Duration.ofDays(1));
    assertThat(c.retention().interval()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void gpioPulse_pinOutsideHeader_namesKey_absentMeansNoDevice() throws Exception {
    Path f = write("site: s1\ngpio:\n  pulse:\n    pin: 40\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .hasMessageContaining("gpio.pulse.pin must be a BCM pin 0..27 (got 40)");
    AgentConfig c = AgentConfigLoader.load(write("site: s1\n"));
    assertThat(c.gpio().pulsePin()).isEmpty();
    assertThat(c.gpio().pulse().deviceId()).isEqualTo("gpio-pulse-1");
  }

  @Test
  void cameraInWorkplace_withoutMedicalOrSafetyPurpose_refusedNamingKeys() throws Exception {
    Path f = write("site: s1\ncontext: workplace\ncamera:\n  enabled: true\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "camera.enabled is true, but face-emotion inference is prohibited in a workplace"
                + " context (EU AI Act Art. 5(1)(f))")
        .hasMessageContaining("contextPurpose");
    AgentConfig c =
        AgentConfigLoader.load(
            write(
                "site: s1\ncontext: workplace\n"
                    + "contextPurpose: \"safety: forklift operator fatigue alerts\"\n"
                    + "camera:\n  enabled: true\n"));
    assertThat(c.camera()).isPresent();
  }

  @Test
  void tokenAndSaltFiles_relativeToDataDir() throws Exception {
    AgentConfig c =
        AgentConfigLoader.load(
            write(
                "site: s1\ndataDir: "
                    + dir
                    + "\nhttp:\n  tokenFile: secrets/admin\nconsent:\n  saltFile: salt.bin\n"));
    assertThat(c.http().tokenFile()).isEqualTo(dir.resolve("secrets/admin"));
    assertThat(c.consent().saltFile()).isEqualTo(dir.resolve("salt.bin"));
  }

  @Test
  void onlySite_givesDefaultsUnderDataDir() throws Exception {
    AgentConfig c = AgentConfigLoader.load(write("site: s1\ndataDir: " + dir + "\n"));
    assertThat(c.consent().file()).isEqualTo(dir.resolve("consent.db"));
    assertThat(c.export().directory()).isEqualTo(dir.resolve("export"));
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
  }

  @Test
  void invalidValue_namesKeyAndFile() throws Exception {
    Path f = write("site: s1\noutbox:\n  maxBytes: -1\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("outbox.maxBytes")
        .hasMessageContaining(f.toString());
  }

  @Test
  void wrongType_namesKey() throws Exception {
    Path f = write("site: s1\nhrv:\n  windowSeconds: sixty\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hrv.windowSeconds must be a number (got sixty)");
  }

  @Test
  void unknownKey_isAnError() throws Exception {
    Path f = write("site: s1\naggregation:\n  kay: 5\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key aggregation.kay");
  }

  @Test
  void kBelowTwo_isRejectedNamingTheKey() throws Exception {
    Path f = write("site: s1\naggregation:\n  k: 1\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f)).hasMessageContaining("aggregation.k");
  }

  /** Issue 17 #10: aggregation.k: 2 was accepted although k below 5 defeats the design. */
  @Test
  void kBelowFive_refusedNamingTheKeyAndTheOverride() throws Exception {
    for (int k = 2; k < 5; k++) {
      Path f = write("site: s1\naggregation:\n  k: " + k + "\n");
      assertThatThrownBy(() -> AgentConfigLoader.load(f))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("aggregation.k")
          .hasMessageContaining("aggregation.kOverrideReason")
          .hasMessageContaining(f.toString());
    }
  }

  @Test
  void kBelowFive_acceptedWithAnOverrideReason() throws Exception {
    Path f =
        write(
            "site: s1\naggregation:\n  k: 3\n  kOverrideReason: \"lab pilot, 3 volunteers,"
                + " ethics approval E-17\"\n");
    AgentConfig c = AgentConfigLoader.load(f);
    assertThat(c.aggregation().k()).isEqualTo(3);
    assertThat(c.aggregation().kOverrideReason()).contains("ethics approval E-17");
  }

  @Test
  void kOverrideReason_blankOrWithoutNeed_refused() throws Exception {
    Path blank = write("site: s1\naggregation:\n  k: 3\n  kOverrideReason: \" \"\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(blank))
        .hasMessageContaining("aggregation.kOverrideReason");
    Path needless = write("site: s1\naggregation:\n  k: 5\n  kOverrideReason: \"why not\"\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(needless))
        .hasMessageContaining("aggregation.kOverrideReason");
  }

  @Test
  void ingestMaxFutureSkew_defaultAndBounds() throws Exception {
    assertThat(AgentConfigLoader.load(write("site: s1\n")).ingest().maxFutureSkew())
        .isEqualTo(java.time.Duration.ofSeconds(30));
    for (String bad : new String[] {"0", "3601", "-5"}) {
      Path f = write("site: s1\ningest:\n  maxFutureSkewSeconds: " + bad + "\n");
      assertThatThrownBy(() -> AgentConfigLoader.load(f))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("ingest.maxFutureSkewSeconds");
    }
  }

  @Test
  void missingSite_isAnError() throws Exception {
    Path f = write("dataDir: /tmp\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f)).hasMessageContaining("site must be set");
  }

  @Test
  void remoteHttpWithoutOptIn_isRejected() throws Exception {
    Path f = write("site: s1\nhttp:\n  host: 0.0.0.0\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f)).hasMessageContaining("http.host");
  }

  @Test
  void syncUrlWithoutBucket_namesTheKey() throws Exception {
    Path f = write("site: s1\nsync:\n  url: http://127.0.0.1:8086\n  org: o\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f)).hasMessageContaining("sync.bucket");
  }

  @Test
  void notYaml_saysSo() throws Exception {
    Path f = write("site: [unclosed\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f)).hasMessageContaining("not valid YAML");
  }
}
