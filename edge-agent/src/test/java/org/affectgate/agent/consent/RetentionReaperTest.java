package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-purpose retention on a fake clock. */
class RetentionReaperTest {
  private static final Instant T = Instant.parse("2026-03-01T09:00:00Z");

  @TempDir Path dir;
  private final AtomicReference<Instant> now = new AtomicReference<>(T);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ConsentStore store;
  private RetentionReaper reaper;

  @BeforeEach
  void open() {
    store = ConsentStore.open(ConsentConfig.defaultFor(dir));
    reaper =
        new RetentionReaper(
            store,
            new RetentionConfig(
                Map.of(
                    Purposes.WELLNESS_HR, Duration.ofDays(30),
                    Purposes.KIOSK_VOICE, Duration.ofDays(1)),
                Duration.ofHours(1)),
            now::get,
            registry);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void at(Duration sinceT) {
    now.set(T.plus(sinceT));
  }

  @Test
  void endedRecords_erasedOnceTheirPurposeRetentionPassed_activeOnesKept() {
    store.grant("alice", "hr-1", "s1", "prog", T);
    store.grant("bob", "hr-2", "s1", "prog", T);
    store.grantPurpose("session-1", Purposes.KIOSK_VOICE, "s1", T, T.plus(Duration.ofHours(1)));
    store.grantPurpose("session-2", Purposes.KIOSK_FACE, "s1", T, T.plus(Duration.ofHours(1)));
    store.revoke("alice", T.plus(Duration.ofDays(1)));

    at(Duration.ofDays(1).plusMinutes(59));
    assertThat(reaper.runOnce()).isZero();

    at(Duration.ofDays(1).plusHours(1));
    assertThat(reaper.runOnce()).isEqualTo(1);
    assertThat(store.list())
        .extracting(ConsentRecord::participantId)
        .doesNotContain(store.subjectOf("session-1"));

    at(Duration.ofDays(30).plusHours(23));
    assertThat(reaper.runOnce()).isZero();
    at(Duration.ofDays(31));
    assertThat(reaper.runOnce()).isEqualTo(1);

    at(Duration.ofDays(400));
    assertThat(reaper.runOnce()).as("bob is active; kiosk-face has no retention set").isZero();
    assertThat(store.list())
        .extracting(ConsentRecord::participantId)
        .containsExactlyInAnyOrder(store.subjectOf("bob"), store.subjectOf("session-2"));
    assertThat(store.entries())
        .filteredOn(e -> e.kind() == EntryKind.ERASE)
        .extracting(LedgerEntry::purpose, LedgerEntry::scope)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Purposes.KIOSK_VOICE, "reason=retention"),
            org.assertj.core.groups.Tuple.tuple(Purposes.WELLNESS_HR, "reason=retention"));
    assertThat(store.verify().intact()).isTrue();
    assertThat(registry.counter("affectgate.consent.retention.erased").count()).isEqualTo(2);
  }

  @Test
  void erasedByRetention_gateReportsSubjectGone() {
    ConsentGate gate = new ConsentGate(store, registry, now::get);
    store.grant("alice", "hr-1", "s1", "prog", T, T.plus(Duration.ofDays(2)));
    gate.refresh();
    at(Duration.ofDays(40));
    assertThat(gate.refresh()).containsExactly(store.subjectOf("alice"));
    reaper.runOnce();
    assertThat(store.list()).isEmpty();
    assertThat(gate.refresh()).containsExactly(store.subjectOf("alice"));
    assertThat(gate.admit("s1", "hr-1")).isEmpty();
  }

  @Test
  void storeFails_countedAndRetriedNextRun() {
    store.close();
    assertThat(reaper.runOnce()).isZero();
    assertThat(registry.counter("affectgate.consent.retention.failures").count()).isEqualTo(1);
    store = ConsentStore.open(ConsentConfig.defaultFor(dir));
  }

  @Test
  void config_negativeRetention_rejectedNamingKey() {
    assertThatThrownBy(
            () ->
                new RetentionConfig(
                    Map.of(Purposes.KIOSK_FACE, Duration.ofDays(-1)), Duration.ofHours(1)))
        .hasMessage("retentionDays.kiosk-face must be >= 0 (got -1)");
  }
}
