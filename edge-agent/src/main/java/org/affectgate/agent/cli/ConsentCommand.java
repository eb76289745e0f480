package org.affectgate.agent.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentRecord;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.GrantOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code affectgate consent grant|revoke|list}: manages the consent store named by the
 * configuration. Safe while the agent runs: the agent picks changes up within a second.
 */
@Command(
    name = "consent",
    description = "Grant, revoke or list participant consent.",
    subcommands = {
      ConsentCommand.Grant.class,
      ConsentCommand.Revoke.class,
      ConsentCommand.ListConsents.class
    })
final class ConsentCommand {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Agent configuration (its consent.file is used)")
  Path config;

  ConsentStore open() {
    AgentConfig c = AgentConfigLoader.load(config);
    return ConsentStore.open(c.consent());
  }

  String site() {
    return AgentConfigLoader.load(config).site();
  }

  @Command(
      name = "grant",
      description = "Bind a wearable to a pseudonymous participant and record consent.")
  static final class Grant implements Callable<Integer> {
    @ParentCommand ConsentCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--participant", required = true, description = "Pseudonymous participant id")
    String participant;

    @Option(names = "--device", required = true, description = "Wearable device id (topic segment)")
    String device;

    @Option(
        names = "--programme",
        required = true,
        description = "Programme the data is aggregated under")
    String programme;

    @Option(names = "--site", description = "Site (default: the configured site)")
    String site;

    @Override
    public Integer call() {
      String s = site != null ? site : parent.site();
      try (ConsentStore store = parent.open()) {
        GrantOutcome outcome = store.grant(participant, device, s, programme, Instant.now());
        if (outcome == GrantOutcome.DEVICE_TAKEN) {
          spec.commandLine()
              .getErr()
              .println(
                  "affectgate: device "
                      + device
                      + " is bound to another participant with active consent; revoke that first");
          return 1;
        }
      }
      spec.commandLine()
          .getOut()
          .println(
              "granted: participant "
                  + participant
                  + " device "
                  + device
                  + " site "
                  + s
                  + " programme "
                  + programme);
      return 0;
    }
  }

  @Command(
      name = "revoke",
      description = "Withdraw a participant's consent; processing stops within a second.")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand ConsentCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--participant", required = true)
    String participant;

    @Override
    public Integer call() {
      boolean changed;
      try (ConsentStore store = parent.open()) {
        changed = store.revoke(participant, Instant.now());
      }
      spec.commandLine()
          .getOut()
          .println(
              changed
                  ? "revoked: participant " + participant
                  : "no active consent for participant " + participant);
      return 0;
    }
  }

  @Command(name = "list", description = "List consent records.")
  static final class ListConsents implements Callable<Integer> {
    @ParentCommand ConsentCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      var out = spec.commandLine().getOut();
      try (ConsentStore store = parent.open()) {
        out.println("participant\tdevice\tsite\tprogramme\tpurpose\tgranted\trevoked");
        for (ConsentRecord r : store.list()) {
          out.println(
              String.join(
                  "\t",
                  r.participantId(),
                  r.deviceId(),
                  r.site(),
                  r.programme(),
                  r.purpose(),
                  String.valueOf(r.grantedAt()),
                  r.revokedAt() == null ? "-" : r.revokedAt().toString()));
        }
      }
      return 0;
    }
  }
}
