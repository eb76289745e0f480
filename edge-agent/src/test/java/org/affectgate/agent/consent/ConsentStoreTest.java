package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentStoreTest {
  private static final Instant T1 = Instant.parse("2025-03-01T09:00:00Z");
  private static final Instant T2 = Instant.parse("2025-03-01T10:30:00Z");

  @TempDir Path dir;
  private ConsentStore store;

  @BeforeEach
  void open() {
    store = ConsentStore.open(ConsentConfig.defaultFor(dir.resolve("data")));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void defaultFile_isConsentDbInDataDir() {
    assertThat(store.file()).isEqualTo(dir.resolve("data").resolve("consent.db").toAbsolutePath());
    assertThat(store.file()).exists();
  }

  @Test
  void grant_listedActiveAndBound() {
    assertThat(store.grant("p-001", "hr-7", "site1", "wellbeing", T1))
        .isEqualTo(GrantOutcome.GRANTED);
    assertThat(store.list())
        .containsExactly(
            new ConsentRecord(
                store.subjectOf("p-001"),
                "hr-7",
                "site1",
                "wellbeing",
                "wellness-hr",
                T1,
                null,
                null));
    assertThat(store.activeBindings())
        .isEqualTo(Map.of("hr-7", new Binding(store.subjectOf("p-001"), "site1", "wellbeing")));
  }

  @Test
  void revoke_keepsRecordWithRevokedTime_unbindsDevice() {
    store.grant("p-001", "hr-7", "site1", "wellbeing", T1);
    assertThat(store.revoke("p-001", T2)).isTrue();
    assertThat(store.list())
        .containsExactly(
            new ConsentRecord(
                store.subjectOf("p-001"),
                "hr-7",
                "site1",
                "wellbeing",
                "wellness-hr",
                T1,
                null,
                T2));
    assertThat(store.list().get(0).active()).isFalse();
    assertThat(store.activeBindings()).isEmpty();
    assertThat(store.revoke("p-001", T2)).isFalse();
    assertThat(store.revoke("nobody", T2)).isFalse();
    assertThat(store.history())
        .containsExactly(
            "1 GRANT " + store.subjectOf("p-001") + " wellness-hr " + T1.toEpochMilli(),
            "2 WITHDRAW " + store.subjectOf("p-001") + " wellness-hr " + T2.toEpochMilli());
  }

  @Test
  void deviceHeldByAnotherActiveParticipant_notGranted_untilRevoked() {
    store.grant("p-001", "hr-7", "site1", "wellbeing", T1);
    assertThat(store.grant("p-002", "hr-7", "site1", "wellbeing", T1))
        .isEqualTo(GrantOutcome.DEVICE_TAKEN);
    assertThat(store.lastEventId()).isEqualTo(1);
    store.revoke("p-001", T2);
    assertThat(store.grant("p-002", "hr-7", "site1", "wellbeing", T2))
        .isEqualTo(GrantOutcome.GRANTED);
    assertThat(store.activeBindings())
        .containsOnlyKeys("hr-7")
        .containsValue(new Binding(store.subjectOf("p-002"), "site1", "wellbeing"));
  }

  @Test
  void regrantWithNewDevice_rebindsParticipant() {
    store.grant("p-001", "hr-7", "site1", "wellbeing", T1);
    store.grant("p-001", "hr-8", "site1", "wellbeing", T2);
    assertThat(store.activeBindings()).containsOnlyKeys("hr-8");
    assertThat(store.list()).singleElement().extracting(ConsentRecord::grantedAt).isEqualTo(T2);
  }

  @Test
  void secondInstanceOnSameFile_seesChangesBothWays() {
    try (ConsentStore other = ConsentStore.open(ConsentConfig.defaultFor(dir.resolve("data")))) {
      store.grant("p-001", "hr-7", "site1", "wellbeing", T1);
      assertThat(other.activeBindings()).containsOnlyKeys("hr-7");
      assertThat(other.lastEventId()).isEqualTo(1);
      other.revoke("p-001", T2);
      assertThat(store.activeBindings()).isEmpty();
      assertThat(store.lastEventId()).isEqualTo(2);
    }
  }

  @Test
  void reopened_recordsPersist() {
    store.grant("p-001", "hr-7", "site1", "wellbeing", T1);
    store.close();
    store = ConsentStore.open(ConsentConfig.defaultFor(dir.resolve("data")));
    assertThat(store.activeBindings()).containsOnlyKeys("hr-7");
  }

  @Test
  void history_isAppendOnly() throws SQLException {
    store.grant("p-001", "hr-7", "site1", "wellbeing", T1);
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + store.file());
        Statement st = raw.createStatement()) {
      assertThatThrownBy(() -> st.execute("UPDATE consent_ledger SET subject = 'x'"))
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> st.execute("DELETE FROM consent_ledger"))
          .hasMessageContaining("append-only");
    }
    assertThat(store.history()).hasSize(1);
  }

  @Test
  void invalidIds_rejectedNamingTheField() {
    assertThatThrownBy(() -> store.grant("p 1", "hr-7", "s", "p", T1))
        .hasMessage("participant must match [A-Za-z0-9_-]{1,64}");
    assertThatThrownBy(() -> store.grant("p.1", "hr-7", "s", "p", T1))
        .hasMessageContaining("participant");
    assertThatThrownBy(() -> store.grant("p".repeat(65), "hr-7", "s", "p", T1))
        .hasMessageContaining("participant");
    assertThatThrownBy(() -> store.grant("p1", "hr/7", "s", "p", T1))
        .hasMessage("device must match [A-Za-z0-9_.-]{1,64}");
    assertThatThrownBy(() -> store.grant("p1", "hr-7", null, "p", T1))
        .hasMessage("site is required");
    assertThatThrownBy(() -> store.grant("p1", "hr-7", "s", "a,b", T1))
        .hasMessageContaining("programme");
    assertThatThrownBy(() -> store.revoke("", T1)).hasMessageContaining("participant");
    assertThat(store.lastEventId()).isZero();
  }

  @Test
  void calledOnEventLoop_refused() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Throwable failure =
          vertx
              .getOrCreateContext()
              .<Throwable>executeBlocking(() -> null)
              .compose(
                  x -> {
                    try {
                      store.list();
                      return io.vertx.core.Future.succeededFuture(null);
                    } catch (IllegalStateException e) {
                      return io.vertx.core.Future.succeededFuture(e);
                    }
                  })
              .toCompletionStage()
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
      assertThat(failure)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("worker thread");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
