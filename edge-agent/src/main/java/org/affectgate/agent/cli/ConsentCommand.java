package org.affectgate.agent.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentHttpApi;
import org.affectgate.agent.consent.ConsentRecord;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.ConsentStoreException;
import org.affectgate.agent.consent.GrantOutcome;
import org.affectgate.agent.consent.LedgerVerification;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.agent.consent.WithdrawalOutcome;
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

  /**
   * Runs a withdrawal (or erasure) against the ledger. When the ledger's disk is full even after
   * its space reserve was released, hands it to the running agent's admin API (which puts it in
   * force in memory and records it when the disk has room) and prints what happened.
   *
   * @return the outcome; {@link WithdrawalOutcome#PENDING_DISK_FULL} when the agent took it (a line
   *     saying so is printed), null when nobody could take it (an error line is printed)
   */
  /**
   * How the CLI names a person: the pseudonym only (CONSENT.md), or "the participant" when the
   * ledger could not be opened and the running agent recorded the change.
   */
  static String named(String subject) {
    return subject == null
        ? "the participant (recorded by the running agent)"
        : "subject " + subject;
  }

  WithdrawalOutcome withdrawOrHandOver(
      CommandSpec spec,
      String participant,
      String purpose,
      boolean erase,
      java.util.function.Function<ConsentStore, WithdrawalOutcome> change) {
    AgentConfig c = AgentConfigLoader.load(config);
    String subject;
    String why;
    try (ConsentStore store = ConsentStore.openToWithdraw(c.consent())) {
      subject = store.subjectOf(participant);
      WithdrawalOutcome outcome = change.apply(store);
      if (outcome != WithdrawalOutcome.PENDING_DISK_FULL) {
        return outcome;
      }
      store.discardHeld(); // this process exits: the agent has to hold it
      why = "the disk holding " + store.file() + " is full";
    } catch (ConsentStoreException e) {
      if (!e.diskFull()) {
        throw e;
      }
      subject = null;
      why = "the disk holding " + c.consent().file() + " is full (" + e.getMessage() + ")";
    }
    AgentWithdrawal.Answer answer = AgentWithdrawal.forward(c.http(), participant, purpose, erase);
    var out = spec.commandLine().getOut();
    String kind = erase ? "erasure" : "withdrawal";
    if (answer.held()) {
      out.println(
          (erase ? ConsentHttpApi.ERASED_PENDING : ConsentHttpApi.WITHDRAWN_PENDING)
              + ": the running agent stopped processing "
              + (subject == null ? "the participant" : "subject " + subject)
              + " and records the "
              + kind
              + " as soon as the disk has room");
      return WithdrawalOutcome.PENDING_DISK_FULL;
    }
    if (answer.recorded()) {
      return WithdrawalOutcome.RECORDED;
    }
    if (answer.notActive()) {
      return WithdrawalOutcome.NOT_ACTIVE;
    }
    spec.commandLine()
        .getErr()
        .println(
            "affectgate: "
                + kind
                + " NOT recorded: "
                + why
                + ", and the agent at "
                + answer.url()
                + " did not take it ("
                + (answer.status() == 0 ? answer.detail() : "HTTP " + answer.status())
                + "); free space on that disk and run this again");
    return null;
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
      String what = purpose == null ? "" : " (" + purpose + ")";
      String[] subject = {null};
      WithdrawalOutcome outcome =
          parent.withdrawOrHandOver(
              spec,
              participant,
              purpose,
              false,
              store -> {
                subject[0] = store.subjectOf(participant);
                return purpose == null
                    ? store.withdrawAll(participant, Instant.now())
                    : store.withdrawOne(participant, purpose, Instant.now());
              });
      if (outcome == null) {
        return 1;
      }
      if (outcome != WithdrawalOutcome.PENDING_DISK_FULL) {
        spec.commandLine()
            .getOut()
            .println(
                outcome == WithdrawalOutcome.RECORDED
                    ? "revoked: " + named(subject[0]) + what
                    : "no active consent" + what + " for " + named(subject[0]));
      }
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
      String[] subject = {null};
      WithdrawalOutcome outcome =
          parent.withdrawOrHandOver(
              spec,
              participant,
              null,
              true,
              store -> {
                subject[0] = store.subjectOf(participant);
                return store.eraseAll(participant, Instant.now());
              });
      if (outcome == null) {
        return 1;
      }
      if (outcome != WithdrawalOutcome.PENDING_DISK_FULL) {
        spec.commandLine()
            .getOut()
            .println(
                outcome == WithdrawalOutcome.RECORDED
                    ? "erased: " + named(subject[0])
                    : "nothing recorded for " + named(subject[0]));
      }
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
