package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentGateTest {
  private static final Instant T = Instant.parse("2025-03-01T09:00:00Z");

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ConsentStore store;
  private ConsentStore otherProcess;
  private ConsentGate gate;

  @BeforeEach
  void open() {
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    otherProcess = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    gate = new ConsentGate(store, registry, InstantSource.fixed(T));
  }

  @AfterEach
  void close() {
    store.close();
    otherProcess.close();
  }

  private double rejected() {
    return registry.get("affectgate.ingest.rejected").tag("reason", "NO_CONSENT").counter().count();
  }

  @Test
  void beforeFirstRefresh_admitsNothing() {
    store.grant("p1", "hr-1", "site1", "prog", T);
    assertThat(gate.admit("site1", "hr-1")).isEmpty();
    assertThat(rejected()).isEqualTo(1);
  }

  @Test
  void boundDevice_admittedWithBinding() {
    store.grant("p1", "hr-1", "site1", "prog", T);
    assertThat(gate.refresh()).isEmpty();
    assertThat(gate.admit("site1", "hr-1"))
        .isEqualTo(Optional.of(new Binding(store.subjectOf("p1"), "site1", "prog")));
    assertThat(rejected()).isZero();
  }

  @Test
  void unknownDeviceOrOtherSite_droppedAndCounted() {
    store.grant("p1", "hr-1", "site1", "prog", T);
    gate.refresh();
    assertThat(gate.admit("site1", "hr-2")).isEmpty();
    assertThat(gate.admit("site2", "hr-1")).isEmpty();
    assertThat(rejected()).isEqualTo(2);
  }

  @Test
  void revokedInAnotherProcess_droppedAfterRefresh_andReportedOnce() {
    store.grant("p1", "hr-1", "site1", "prog", T);
    store.grant("p2", "hr-2", "site1", "prog", T);
    gate.refresh();
    otherProcess.revoke("p1", T.plusSeconds(60));
    assertThat(gate.admit("site1", "hr-1")).isPresent(); // snapshot not yet refreshed
    assertThat(gate.refresh()).containsExactly(store.subjectOf("p1"));
    assertThat(gate.admit("site1", "hr-1")).isEmpty();
    assertThat(gate.admit("site1", "hr-2")).isPresent();
    assertThat(gate.drainRevoked()).containsExactly(store.subjectOf("p1"));
    assertThat(gate.drainRevoked()).isEmpty();
    assertThat(gate.refresh()).isEmpty();
  }

  @Test
  void revokeThenRegrantBetweenRefreshes_stillReportedAsRevoked() {
    store.grant("p1", "hr-1", "site1", "prog", T);
    gate.refresh();
    otherProcess.revoke("p1", T.plusSeconds(1));
    otherProcess.grant("p1", "hr-1", "site1", "prog", T.plusSeconds(2));
    assertThat(gate.refresh()).containsExactly(store.subjectOf("p1"));
    assertThat(gate.admit("site1", "hr-1")).isPresent();
  }

  @Test
  void grantInAnotherProcess_admittedAfterRefresh() {
    gate.refresh();
    otherProcess.grant("p9", "hr-9", "site1", "prog", T);
    assertThat(gate.admit("site1", "hr-9")).isEmpty();
    gate.refresh();
    assertThat(gate.admit("site1", "hr-9")).isPresent();
    assertThat(gate.activeBindings()).isEqualTo(1);
  }

  @Test
  void firstRefresh_reportsNoOldRevocations() {
    store.grant("p1", "hr-1", "site1", "prog", T);
    store.revoke("p1", T);
    assertThat(gate.refresh()).isEmpty();
    assertThat(gate.drainRevoked()).isEmpty();
  }
}
