package org.affectgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.sync.outbox.OutboxConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code consent.reserveBytes} and {@code outbox.minFreeBytes}. */
class DiskSpaceConfigTest {
  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, "site: s1\ndataDir: " + dir + "\n" + yaml);
    return f;
  }

  @Test
  void defaults_oneMebibyteReserve_fourMebibytesFree_reserveBesideTheLedger() throws Exception {
    AgentConfig c = AgentConfigLoader.load(write(""));

    assertThat(c.consent().reserveBytes()).isEqualTo(ConsentConfig.DEFAULT_RESERVE_BYTES);
    assertThat(c.consent().reserveFile()).isEqualTo(dir.resolve("consent.db.reserve"));
    assertThat(c.outbox().minFreeBytes()).isEqualTo(OutboxConfig.DEFAULT_MIN_FREE_BYTES);
  }

  @Test
  void bothKeys_read() throws Exception {
    AgentConfig c =
        AgentConfigLoader.load(
            write("consent:\n  reserveBytes: 65536\noutbox:\n  minFreeBytes: 131072\n"));

    assertThat(c.consent().reserveBytes()).isEqualTo(65536);
    assertThat(c.outbox().minFreeBytes()).isEqualTo(131072);
  }

  @Test
  void reserveDisabled_allowsNoFloor() throws Exception {
    AgentConfig c =
        AgentConfigLoader.load(write("consent:\n  reserveBytes: 0\noutbox:\n  minFreeBytes: 0\n"));

    assertThat(c.consent().reserveBytes()).isZero();
    assertThat(c.outbox().minFreeBytes()).isZero();
  }

  @Test
  void floorBelowTwiceTheReserve_refusedNamingBothKeys() throws Exception {
    Path f = write("consent:\n  reserveBytes: 1048576\noutbox:\n  minFreeBytes: 1048576\n");

    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("outbox.minFreeBytes must be at least twice consent.reserveBytes")
        .hasMessageContaining(f.toString());
  }

  @Test
  void negativeValues_refusedNamingTheKey() throws Exception {
    assertThatThrownBy(() -> AgentConfigLoader.load(write("consent:\n  reserveBytes: -1\n")))
        .hasMessageContaining("consent.reserveBytes must be >= 0 (got -1)");
    assertThatThrownBy(() -> AgentConfigLoader.load(write("outbox:\n  minFreeBytes: -1\n")))
        .hasMessageContaining("outbox.minFreeBytes must be >= 0 (got -1)");
  }
}
