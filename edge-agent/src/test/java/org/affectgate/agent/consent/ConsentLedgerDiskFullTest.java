package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.InstantSource;
import org.affectgate.sync.testing.SmallFilesystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, failure 3: a withdrawal while the filesystem holding the ledger is full (a 4 MiB tmpfs
 * filled by a filler file). It must be recorded (the reserve makes room), stop processing at once,
 * and leave an intact ledger.
 */
class ConsentLedgerDiskFullTest {
  private static final Instant T = Instant.parse("2025-03-01T09:00:00Z");

  @RegisterExtension final SmallFilesystem fs = new SmallFilesystem(4L * 1024 * 1024);

  private ConsentStore store;
  private ConsentGate gate;

  @BeforeEach
  void open() {
    store = ConsentStore.open(new ConsentConfig(fs.dir().resolve("consent.db")));
    gate = new ConsentGate(store, new SimpleMeterRegistry(), InstantSource.system());
    store.grant("p-1", "strap-1", "site1", "w", T);
    store.grant("p-2", "strap-2", "site1", "w", T);
    gate.refresh();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void revokeOnFullDisk_isRecorded_processingStops_ledgerIntact() {
    assertThat(gate.admit("site1", "strap-1")).isPresent();
    fs.fill();

    assertThat(store.revoke("p-1", T.plusSeconds(60))).isTrue();
    gate.refresh();

    assertThat(gate.admit("site1", "strap-1")).as("withdrawn: not admitted").isEmpty();
    assertThat(gate.admit("site1", "strap-2")).as("others unaffected").isPresent();
    fs.free();
    assertThat(store.verify().intact()).isTrue();
    assertThat(store.history()).anyMatch(h -> h.contains("WITHDRAW " + store.subjectOf("p-1")));
  }
}
