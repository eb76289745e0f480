package org.affectgate.agent.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentRecord;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.GrantOutcome;
import org.affectgate.agent.consent.LedgerVerification;
import org.affectgate.agent.consent.Purposes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code affectgate consent grant|revoke|erase|list|verify|rotate-salt}: manages the consent ledger
 * named by the configuration. Safe while the agent runs: the agent picks changes up within a
 * second. Participant ids are accepted on the command line and only their pseudonyms are stored and
 * printed: every output line names the subject pseudonym, never the id typed (CONSENT.md).
 */
@Command(
    name = "consent",
    description = "Grant, revoke or list participant consent.",
    subcommands = {
      ConsentCommand.Grant.class,
      ConsentCommand.Revoke.class,
      ConsentCommand.Erase.class,
      ConsentCommand.ListConsents.class,
      ConsentCommand.Verify.class,
      ConsentCommand.RotateSalt.class
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

    @Option(
        names = "--expires",
        paramLabel = "INSTANT",
        description =
            "When the consent lapses, ISO-8601 (e.g. 2026-12-31T23:59:59Z); default never")
    Instant expires;

    @Option(
        names = "--sync",
        description =
            "Also record the participant's opt-in to per-subject sync (purpose "
                + Purposes.WELLNESS_HR_SYNC
                + "): their own windows leave the gateway under their pseudonym while"
                + " sync.perSubject.enabled is true, and are deleted from the cloud on withdrawal")
    boolean sync;

    @Override
    public Integer call() {
      String s = site != null ? site : parent.site();
      String subject;
      try (ConsentStore store = parent.open()) {
        subject = store.subjectOf(participant);
        Instant now = Instant.now();
        GrantOutcome outcome = store.grant(participant, device, s, programme, now, expires);
        if (outcome == GrantOutcome.GRANTED && sync) {
          store.grantPurpose(participant, Purposes.WELLNESS_HR_SYNC, s, now, expires);
        }
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
              "granted: subject "
                  + subject
                  + " device "
                  + device
                  + " site "
                  + s
                  + " programme "
                  + programme
                  + (sync ? " with per-subject sync" : ""));
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

    @Option(
        names = "--purpose",
        description =
            "Withdraw only this purpose, e.g. "
                + Purposes.WELLNESS_HR_SYNC
                + " to opt out of per-subject sync (its cloud series are deleted) while staying"
                + " in the programme; default: every purpose")
    String purpose;

    @Override
    public Integer call() {
      boolean changed;
      String subject;
      try (ConsentStore store = parent.open()) {
        subject = store.subjectOf(participant);
        changed =
            purpose == null
                ? store.revoke(participant, Instant.now())
                : store.withdraw(participant, purpose, Instant.now());
      }
      String what = purpose == null ? "" : " (" + purpose + ")";
      spec.commandLine()
          .getOut()
          .println(
              changed
                  ? "revoked: subject " + subject + what
                  : "no active consent" + what + " for subject " + subject);
      return 0;
    }
  }

  @Command(
      name = "erase",
      description =
          "Withdraw everything and erase the participant's current state; the agent purges their"
              + " in-memory state and unsent outbox rows within a second.")
  static final class Erase implements Callable<Integer> {
    @ParentCommand ConsentCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--participant", required = true)
    String participant;

    @Override
    public Integer call() {
      boolean changed;
      String subject;
      try (ConsentStore store = parent.open()) {
        subject = store.subjectOf(participant);
        changed = store.erase(participant, Instant.now());
      }
      spec.commandLine()
          .getOut()
          .println(
              changed ? "erased: subject " + subject : "nothing recorded for subject " + subject);
      return 0;
    }
  }

  @Command(
      name = "list",
      description = "List consent records (subjects are pseudonyms; no participant id is stored).")
  static final class ListConsents implements Callable<Integer> {
    @ParentCommand ConsentCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      var out = spec.commandLine().getOut();
      try (ConsentStore store = parent.open()) {
        out.println("subject\tdevice\tsite\tprogramme\tpurpose\tgranted\texpires\trevoked");
        for (ConsentRecord r : store.list()) {
          out.println(
              String.join(
                  "\t",
                  r.participantId(),
                  orDash(r.deviceId()),
                  r.site(),
                  orDash(r.programme()),
                  r.purpose(),
                  String.valueOf(r.grantedAt()),
                  orDash(r.expiresAt()),
                  orDash(r.revokedAt())));
        }
      }
      return 0;
    }

    private static String orDash(Object o) {
      return o == null ? "-" : o.toString();
    }
  }

  @Command(
      name = "verify",
      description =
          "Check the ledger's hash chain and current state; exit 1 naming the first broken"
              + " entry.")
  static final class Verify implements Callable<Integer> {
    @ParentCommand ConsentCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      LedgerVerification v;
      try (ConsentStore store = parent.open()) {
        v = store.verify();
      }
      if (v.intact()) {
        spec.commandLine()
            .getOut()
            .println("ledger intact: " + v.entries() + " entries, head " + v.headHash());
        return 0;
      }
      spec.commandLine()
          .getErr()
          .println(
              "affectgate: ledger BROKEN"
                  + (v.firstBroken().isPresent() ? " at entry " + v.firstBroken().getAsLong() : "")
                  + ": "
                  + v.problem());
      return 1;
    }
  }

  @Command(
      name = "rotate-salt",
      description =
          "Replace the site salt. Existing records keep their pseudonyms and can no longer be"
              + " linked to participant ids; refused while consents are active.")
  static final class RotateSalt implements Callable<Integer> {
    @ParentCommand ConsentCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (ConsentStore store = parent.open()) {
        store.rotateSalt(Instant.now());
      }
      spec.commandLine().getOut().println("salt rotated; restart the agent to use it");
      return 0;
    }
  }
}
