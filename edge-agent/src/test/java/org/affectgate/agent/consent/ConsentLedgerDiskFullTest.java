package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Instant;
import java.time.InstantSource;
import org.affectgate.sync.testing.SmallFilesystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, failure 3: withdrawals while the filesystem holding the ledger is full (a 4 MiB tmpfs
 * filled by a filler file). The reserve makes room to record one; without it the withdrawal is in
 * force in memory at once and recorded once space returns; the ledger stays intact throughout.
 */
class ConsentLedgerDiskFullTest {
  private static final Instant T = Instant.parse("2025-03-01T09:00:00Z");

  @RegisterExtension final SmallFilesystem fs = new SmallFilesystem(4L * 1024 * 1024);

  private ConsentConfig config;
  private ConsentStore store;
  private ConsentGate gate;

  @BeforeEach
  void open() {
    config = new ConsentConfig(fs.dir().resolve("consent.db")).withReserveBytes(256 * 1024);
    store = ConsentStore.open(config);
    gate = new ConsentGate(store, new SimpleMeterRegistry(), InstantSource.system());
    store.grant("p-1", "strap-1", "site1", "w", T);
    store.grant("p-2", "strap-2", "site1", "w", T);
    gate.refresh();
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** The reserve was used up earlier (or never fitted): nothing left to release. */
  private void reserveGoneAndDiskFull() throws Exception {
    Files.deleteIfExists(config.reserveFile());
    fs.fill();
  }

  @Test
  void revokeOnFullDisk_isRecorded_processingStops_ledgerIntact() {
    assertThat(gate.admit("site1", "strap-1")).isPresent();
    assertThat(config.reserveFile()).exists();
    fs.fill();

    assertThat(store.revoke("p-1", T.plusSeconds(60))).isTrue();
    gate.refresh();

    assertThat(gate.admit("site1", "strap-1")).as("withdrawn: not admitted").isEmpty();
    assertThat(gate.admit("site1", "strap-2")).as("others unaffected").isPresent();
    assertThat(config.reserveFile()).as("released to make room").doesNotExist();
    fs.free();
    assertThat(store.verify().intact()).isTrue();
    assertThat(store.history()).anyMatch(h -> h.contains("WITHDRAW " + store.subjectOf("p-1")));
  }

  @Test
  void withdrawalWithoutReserve_heldInMemory_gateStopsAtOnce_recordedWhenSpaceReturns()
      throws Exception {
    reserveGoneAndDiskFull();
    Instant at = T.plusSeconds(60);

    assertThat(store.withdrawAll("p-1", at)).isEqualTo(WithdrawalOutcome.PENDING_DISK_FULL);

    assertThat(gate.refresh()).as("reported as revoked").containsExactly(store.subjectOf("p-1"));
    assertThat(gate.admit("site1", "strap-1")).as("processing stops at once").isEmpty();
    assertThat(gate.admit("site1", "strap-2")).isPresent();
    assertThat(gate.refresh()).as("reported once").isEmpty();
    assertThat(gate.admit("site1", "strap-1")).isEmpty();
    assertThat(store.heldWithdrawals()).isEqualTo(1);
    assertThat(store.withdrawAll("p-1", at.plusSeconds(1)))
        .as("asked again while held")
        .isEqualTo(WithdrawalOutcome.PENDING_DISK_FULL);
    assertThat(store.maintain()).as("still full").isEqualTo(1);
    assertThat(store.history()).noneMatch(h -> h.contains("WITHDRAW"));

    fs.free();
    assertThat(store.maintain()).isZero();

    String subject = store.subjectOf("p-1");
    assertThat(store.entries())
        .filteredOn(e -> e.kind() == EntryKind.WITHDRAW)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.subject()).isEqualTo(subject);
              assertThat(e.atMs()).as("its own time").isEqualTo(at.toEpochMilli());
            });
    assertThat(store.verify().intact()).isTrue();
    assertThat(config.reserveFile()).as("reserve written again").exists();
    gate.refresh();
    assertThat(gate.admit("site1", "strap-1")).isEmpty();
    assertThat(gate.admit("site1", "strap-2")).isPresent();
  }

  @Test
  void heldWithdrawal_neverEndsAGrantMadeAfterIt() throws Exception {
    reserveGoneAndDiskFull();
    assertThat(store.withdrawAll("p-1", T.plusSeconds(60)))
        .isEqualTo(WithdrawalOutcome.PENDING_DISK_FULL);
    fs.free();

    try (ConsentStore cli = ConsentStore.open(config)) { // another process, e.g. the CLI
      cli.grant("p-1", "strap-1", "site1", "w", T.plusSeconds(120));
    }
    assertThat(store.maintain()).isZero();

    assertThat(store.list())
        .filteredOn(r -> r.participantId().equals(store.subjectOf("p-1")))
        .singleElement()
        .satisfies(r -> assertThat(r.active()).isTrue());
    assertThat(store.verify().intact()).isTrue();
  }

  @Test
  void heldErasure_recordedWhenSpaceReturns() throws Exception {
    reserveGoneAndDiskFull();

    assertThat(store.eraseAll("p-2", T.plusSeconds(60)))
        .isEqualTo(WithdrawalOutcome.PENDING_DISK_FULL);
    gate.refresh();
    assertThat(gate.admit("site1", "strap-2")).isEmpty();

    fs.free();
    assertThat(store.maintain()).isZero();
    assertThat(store.list()).noneMatch(r -> r.participantId().equals(store.subjectOf("p-2")));
    assertThat(store.verify().intact()).isTrue();
  }

  @Test
  void withdrawalOfNobody_onFullDisk_isNotActive() throws Exception {
    reserveGoneAndDiskFull();

    assertThat(store.withdrawAll("nobody", T)).isEqualTo(WithdrawalOutcome.NOT_ACTIVE);
    assertThat(store.heldWithdrawals()).isZero();
  }

  @Test
  void grantOnFullDisk_failsSayingDiskFull_keepsTheReserve_worksOnceSpaceReturns() {
    fs.fill();

    assertThatThrownBy(() -> store.grant("p-3", "strap-3", "site1", "w", T))
        .isInstanceOfSatisfying(
            ConsentStoreException.class, e -> assertThat(e.diskFull()).isTrue());
    assertThat(config.reserveFile()).as("kept for withdrawals").exists();

    fs.free();
    assertThat(store.grant("p-3", "strap-3", "site1", "w", T)).isEqualTo(GrantOutcome.GRANTED);
    assertThat(store.verify().intact()).isTrue();
  }

  @Test
  void heldWithdrawal_isWrittenBeforeALaterWrite() throws Exception {
    reserveGoneAndDiskFull();
    assertThat(store.withdrawAll("p-1", T.plusSeconds(60)))
        .isEqualTo(WithdrawalOutcome.PENDING_DISK_FULL);
    fs.free();

    store.grant("p-3", "strap-3", "site1", "w", T.plusSeconds(61));

    assertThat(store.heldWithdrawals()).isZero();
    assertThat(store.history())
        .extracting(h -> h.split(" ")[1])
        .containsExactly("GRANT", "GRANT", "WITHDRAW", "GRANT");
    assertThat(store.verify().intact()).isTrue();
  }
}
