package org.affectgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AffectgateCliTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = AffectgateCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path config(String extra) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, "site: store-9\ndataDir: " + dir.resolve("data") + "\n" + extra);
    return f;
  }

  /** The production jar has no broker and no demo: {@code demo} is in the demo module's jar. */
  @Test
  void demo_isNotAnAgentSubcommand_exits2() {
    assertThat(AffectgateCli.commandLine().getSubcommands()).doesNotContainKey("demo");
    assertThat(run("demo")).isEqualTo(2);
    assertThat(err.toString()).contains("demo");
  }

  @Test
  void checkConfig_validFile_exits0AndSaysWhatItWillDo() throws Exception {
    Path f = config("");
    assertThat(run("check-config", f.toString())).isZero();
    assertThat(out.toString())
        .contains("configuration OK")
        .contains("store-9")
        .contains("fewer than 5 subjects are suppressed")
        .contains("line-protocol files")
        .contains("deployment:  context retail")
        .contains("may infer face-emotion")
        .contains("admin-token");
  }

  @Test
  void checkConfig_workplace_saysFaceAndVoiceWillNotBeInferred() throws Exception {
    Path f = config("context: workplace\n");
    assertThat(run("check-config", f.toString())).isZero();
    assertThat(out.toString())
        .contains("deployment:  context workplace")
        .contains("may infer hrv-wellness")
        .contains("will NOT infer face-emotion: face-emotion inference is prohibited")
        .contains("will NOT infer voice-emotion");
  }

  @Test
  void checkConfig_cameraAndGpioKiosk_saysConsentAndNotice() throws Exception {
    Path f =
        config(
            "camera:\n  enabled: true\n  local:\n    command: [rpicam-vid, -o, '-']\n"
                + "models:\n  manifest: "
                + Path.of(System.getProperty("affectgate.repoRoot", ".."), "models/manifest.json")
                + "\n"
                + "gpio:\n  kiosk:\n    kioskId: entrance\n    buttonPin: 17\n"
                + "    presencePin: 27\n    noticeLedPin: 23\n");
    assertThat(run("check-config", f.toString())).isZero();
    assertThat(out.toString())
        .contains("camera:      on, frames analysed only during a kiosk-face session consent")
        .contains("local capture as kiosk local-camera")
        .contains("gpio kiosk:  entrance: PIR on BCM 27")
        .contains("button on BCM 17")
        .contains("notice LED on BCM 23 (sensing stops if it fails)");
  }

  @Test
  void checkConfig_noCamera_saysOff() throws Exception {
    assertThat(run("check-config", config("").toString())).isZero();
    assertThat(out.toString())
        .contains("camera:      off")
        .contains("gpio kiosk:  none")
        .contains("hrv stress:  off");
  }

  @Test
  void checkConfig_badValue_exits2NamingKeyAndFile() throws Exception {
    Path f = config("mqtt:\n  maxPayloadBytes: 0\n");
    assertThat(run("check-config", f.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("mqtt.maxPayloadBytes").contains(f.toString());
  }

  @Test
  void checkConfig_missingFile_exits2() {
    assertThat(run("check-config", dir.resolve("nope.yaml").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("configuration file not found");
  }

  @Test
  void consent_grantListRevoke_roundTrip() throws Exception {
    Path f = config("");
    assertThat(
            run(
                "consent",
                "grant",
                "--config",
                f.toString(),
                "--participant",
                "p-1",
                "--device",
                "strap-1",
                "--programme",
                "wellness"))
        .isZero();
    assertThat(run("consent", "list", "--config", f.toString())).isZero();
    assertThat(out.toString()).contains("\tstrap-1\tstore-9\twellness\twellness-hr\t");
    assertThat(out.toString()).containsPattern("(?m)^[0-9a-f]{32}\tstrap-1\t");
    assertThat(run("consent", "revoke", "--config", f.toString(), "--participant", "p-1")).isZero();
    assertThat(out.toString()).containsPattern("revoked: subject [0-9a-f]{32}\n");
    out.getBuffer().setLength(0);
    assertThat(run("consent", "list", "--config", f.toString())).isZero();
    assertThat(out.toString()).doesNotContain("\t-\n");
  }

  @Test
  void consent_deviceHeldByAnotherParticipant_exits1() throws Exception {
    Path f = config("");
    run(
        "consent",
        "grant",
        "--config",
        f.toString(),
        "--participant",
        "p-1",
        "--device",
        "strap-1",
        "--programme",
        "w");
    int rc =
        run(
            "consent",
            "grant",
            "--config",
            f.toString(),
            "--participant",
            "p-2",
            "--device",
            "strap-1",
            "--programme",
            "w");
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).contains("device strap-1 is bound to another participant");
  }

  @Test
  void consent_invalidParticipantId_exits1WithReason() throws Exception {
    Path f = config("");
    int rc =
        run(
            "consent",
            "grant",
            "--config",
            f.toString(),
            "--participant",
            "Jane Doe <jane@x>",
            "--device",
            "strap-1",
            "--programme",
            "w");
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).contains("participant");
  }

  /** Issue 17 #10: the consent CLI printed participant ids; CONSENT.md says only pseudonyms. */
  @Test
  void consent_grantRevokeEraseList_printPseudonymsNeverTheParticipantId() throws Exception {
    Path f = config("");
    String id = "alice-0777";
    assertThat(
            run(
                "consent",
                "grant",
                "--config",
                f.toString(),
                "--participant",
                id,
                "--device",
                "strap-1",
                "--programme",
                "wellness"))
        .isZero();
    assertThat(run("consent", "list", "--config", f.toString())).isZero();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^([0-9a-f]{32})\tstrap-1\t").matcher(out.toString());
    assertThat(m.find()).isTrue();
    String pseudonym = m.group(1);
    assertThat(run("consent", "revoke", "--config", f.toString(), "--participant", id)).isZero();
    assertThat(run("consent", "revoke", "--config", f.toString(), "--participant", id)).isZero();
    assertThat(run("consent", "erase", "--config", f.toString(), "--participant", id)).isZero();
    assertThat(run("consent", "erase", "--config", f.toString(), "--participant", id)).isZero();
    assertThat(out.toString()).doesNotContain(id).contains("subject " + pseudonym);
    assertThat(err.toString()).doesNotContain(id);
  }

  /** Issue 17 #10: check-config said OK for aggregation.k: 2. */
  @Test
  void checkConfig_kBelowFive_exits2NamingTheKey() throws Exception {
    Path f = config("aggregation:\n  k: 2\n");
    assertThat(run("check-config", f.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("aggregation.k").contains("kOverrideReason");
  }

  @Test
  void checkConfig_kBelowFiveWithOverride_saysSoPlainly() throws Exception {
    Path f = config("aggregation:\n  k: 3\n  kOverrideReason: \"pilot with 3 volunteers\"\n");
    assertThat(run("check-config", f.toString())).isZero();
    assertThat(out.toString())
        .contains("fewer than 3 subjects are suppressed")
        .contains("BELOW 5")
        .contains("pilot with 3 volunteers");
  }

  @Test
  void noSubcommand_isAUsageError() {
    assertThat(run()).isEqualTo(2);
  }
}
