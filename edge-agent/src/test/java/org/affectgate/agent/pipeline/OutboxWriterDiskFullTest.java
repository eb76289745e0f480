package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.Points;
import org.affectgate.sync.testing.SmallFilesystem;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17, failure 2, as the pipelines see it: windows handed to the outbox while its 2 MiB tmpfs
 * is full and after space returns. The drop counters name exactly the points the database lacks.
 */
class OutboxWriterDiskFullTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final int WINDOW = 10;

  @RegisterExtension final SmallFilesystem fs = new SmallFilesystem(2L * 1024 * 1024);

  @ParameterizedTest(name = "outbox.minFreeBytes={0}")
  @ValueSource(longs = {0, 256 * 1024})
  void fullDisk_dropCountersEqualThePointsMissingFromTheDatabase(long minFreeBytes)
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OutboxConfig config =
        OutboxConfig.defaults(fs.dir().resolve("outbox.db")).withMinFreeBytes(minFreeBytes);
    List<Metric> handed = new ArrayList<>();
    int droppedCalls = 0;
    try (SqliteOutbox outbox = SqliteOutbox.open(config, new ManualClock(), registry)) {
      OutboxWriter writer = OutboxWriter.forWorker(outbox, "test", registry);
      int window = 0;
      for (int phase = 0; phase < 3; phase++) {
        if (phase == 1) {
          fs.fill();
        } else if (phase == 2) {
          fs.free();
        }
        for (int i = 0; i < 15; i++) {
          List<Metric> points = Points.series("s", T0 + (window++) * 10_000_000L, WINDOW);
          handed.addAll(points);
          if (!writer.enqueueNow(points)) {
            droppedCalls++;
          }
        }
      }
      assertThat(droppedCalls).as("windows dropped while full").isPositive();
      assertThat(outbox.stats().backlogCount())
          .isEqualTo((long) handed.size() - droppedCalls * WINDOW);
    }

    Set<Long> inDb = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.file());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT line FROM pending")) {
      while (rs.next()) {
        String line = rs.getString(1);
        inDb.add(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    assertThat(registry.get("affectgate.outbox.enqueue.failures").counter().count())
        .isEqualTo(droppedCalls);
    assertThat(inDb)
        .as("a dropped window is not in the database, a stored one is")
        .hasSize(handed.size() - droppedCalls * WINDOW);
    double dropped =
        registry.get("affectgate.outbox.dropped").tag("cause", "enqueue").counter().count();
    assertThat(dropped).isEqualTo(handed.size() - inDb.size());
  }
}
