package org.affectgate.sync.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutboxConfigTest {
  private final OutboxConfig defaults = OutboxConfig.defaults(Path.of("data/outbox.db"));

  @Test
  void defaults_matchDocumentedValues() {
    assertThat(defaults.maxBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(defaults.maxAge()).isEqualTo(Duration.ofHours(168));
    assertThat(defaults.synchronous()).isEqualTo(Synchronous.FULL);
    assertThat(defaults.syncedKeyRetention()).isEqualTo(Duration.ofHours(48));
  }

  @Test
  void negativeMaxBytes_rejectedNamingKey() {
    assertThatThrownBy(() -> defaults.withMaxBytes(-1))
        .hasMessage("outbox.maxBytes must be > 0 (got -1)");
  }

  @Test
  void zeroMaxAge_rejectedNamingKey() {
    assertThatThrownBy(() -> defaults.withMaxAge(Duration.ZERO))
        .hasMessageContaining("outbox.maxAgeHours");
  }

  @Test
  void parseSynchronous_unknownValue_rejectedNamingKey() {
    assertThat(OutboxConfig.parseSynchronous("normal")).isEqualTo(Synchronous.NORMAL);
    assertThatThrownBy(() -> OutboxConfig.parseSynchronous("OFF"))
        .hasMessage("outbox.synchronous must be FULL or NORMAL (got OFF)");
  }
}
