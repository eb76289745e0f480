package org.affectgate.sync.loop;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SyncConfigTest {
  @Test
  void zeroBatchSize_rejectedNamingKey() {
    assertThatThrownBy(
            () ->
                new SyncConfig(
                    0, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .hasMessage("sync.batchSize must be between 1 and 100000 (got 0)");
  }

  @Test
  void backoffMaxBelowInitial_rejectedNamingBothKeys() {
    assertThatThrownBy(
            () ->
                new SyncConfig(
                    10, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2)))
        .hasMessageContaining("sync.backoffMaxMs")
        .hasMessageContaining("sync.backoffInitialMs");
  }
}
