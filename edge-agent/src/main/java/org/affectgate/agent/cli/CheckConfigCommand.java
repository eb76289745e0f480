package org.affectgate.agent.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.config.KioskGpioConfig;
import org.affectgate.agent.context.DeploymentContextGuard;
import org.affectgate.agent.models.ShadowCheck;
import org.affectgate.agent.startup.StartupChecks;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Validates a configuration file, makes every start-up check {@code run} makes that needs no
 * network ({@link StartupChecks#verifyAll}: data directory and files, token files, HTTP port,
 * models through the manifest), and prints what the agent would do with it. A failure is the same
 * one line {@code run} would print, exit 2. Then the shadow candidates of the models in use are
 * verified as the agent loads them ({@link ShadowCheck}); the agent only logs a refused shadow,
 * this prints one line per refused shadow naming its manifest entry, exit 2.
 */
@Command(
    name = "check-config",
    description =
        "Validate a configuration file and make run's start-up checks (files, tokens, port,"
            + " models); exit 2 with one line naming the bad key or file.")
final class CheckConfigCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE")
  Path file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    AgentConfig c = AgentConfigLoader.load(file);
    StartupChecks.verifyAll(c);
    ShadowCheck.Result shadows = ShadowCheck.run(c);
    if (!shadows.problems().isEmpty()) {
      var err = spec.commandLine().getErr();
      shadows.problems().forEach(p -> err.println("affectgate: " + p));
      return 2;
    }
    var out = spec.commandLine().getOut();
    out.println("configuration OK: " + file);
    for (String warning : StartupChecks.warnings(c)) {
      out.println("  WARNING:     " + warning);
    }
    out.println("  site:        " + c.site() + " (other sites' topics are UNKNOWN_TOPIC)");
    out.println(
        "  ingest:      capture times up to "
            + c.ingest().maxFutureSkew().toSeconds()
            + " s ahead of this clock (ingest.maxFutureSkewSeconds), later: FUTURE_TIMESTAMP");
    out.println("  data dir:    " + c.dataDir().toAbsolutePath());
    out.println(
        "  mqtt:        "
            + c.mqtt().uri()
            + " as "
            + c.mqtt().clientId()
            + " (MQTT 3.1.1, QoS 1, persistent session "
            + !c.mqtt().cleanSession()
            + ")");
    out.println(
        "  hrv windows: "
            + c.hrv().window().toSeconds()
            + " s every "
            + c.hrv().step().toSeconds()
            + " s");
    out.println(
        "  hrv stress:  "
            + (c.stress().enabled()
                ? "on: hrv-stress model on 180 s windows against each subject's running session"
                    + " baseline, synced only as hrv_stress_window k-aggregates"
                : "off (hrv.stress.enabled)"));
    out.println(
        "  k-anonymity: aggregates of fewer than "
            + c.aggregation().k()
            + " subjects are suppressed"
            + (c.aggregation().overridden()
                ? " (BELOW "
                    + AggregationConfig.MIN_K
                    + " by aggregation.kOverrideReason: "
                    + c.aggregation().kOverrideReason()
                    + ")"
                : ""));
    out.println(
        "  sync:        "
            + c.influx()
                .map(i -> i.url() + " bucket " + i.bucket())
                .orElse("line-protocol files in " + c.export().directory().toAbsolutePath()));
    out.println(
        "  per-subject: "
            + (c.subjectSync().enabled()
                ? "ON for subjects who opted in (wellness-hr-sync); cloud deletion on withdrawal: "
                    + c.influx()
                        .map(i -> i.deleteMode().key())
                        .orElse("unsupported (exported files cannot be recalled)")
                : "off (only k-anonymous aggregates leave the gateway)"));
    out.println(
        "  camera:      "
            + c.camera()
                .map(
                    cam ->
                        "on, "
                            + (cam.requireConsent()
                                ? "frames analysed only during a kiosk-face session consent"
                                : "camera.requireConsent is false: no session consent checked")
                            + cam.local()
                                .map(l -> "; local capture as kiosk " + l.kioskId())
                                .orElse("")
                            + "; JPEG decoder: "
                            + new FrameDecoder().jpegDecoder())
                .orElse("off"));
    out.println(
        "  gpio kiosk:  "
            + c.gpio()
                .kiosk()
                .map(
                    k ->
                        k.kioskId()
                            + ": PIR on BCM "
                            + k.presencePin()
                            + " opens visits, button on BCM "
                            + k.buttonPin()
                            + " grants "
                            + k.grants()
                            + " (long press withdraws), notice "
                            + (k.notice() == KioskGpioConfig.Notice.LED
                                ? "LED on BCM "
                                    + k.noticeLedPin().getAsInt()
                                    + " (sensing stops if it fails)"
                                : "shown by the kiosk screen"))
                .orElse("none"));
    out.println(
        "  admin http:  "
            + c.http().host()
            + ":"
            + c.http().port()
            + " (consent endpoints need the bearer token in "
            + c.http().tokenFile().toAbsolutePath()
            + ")");
    out.println(
        "  shadows:     "
            + (shadows.verified().isEmpty()
                ? "none for the models in use"
                : String.join(", ", shadows.verified())
                    + ": verified, run beside the active model"));
    DeploymentContextGuard guard = new DeploymentContextGuard(c.deployment());
    List<String> lines = guard.describe();
    out.println("  deployment:  " + lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      out.println("    " + line);
    }
    return 0;
  }
}
