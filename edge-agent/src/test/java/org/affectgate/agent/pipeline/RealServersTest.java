package org.affectgate.agent.pipeline;

import java.nio.file.Path;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the end-to-end tests: a real Mosquitto and a real VictoriaMetrics on loopback for each
 * test, and the test wearables. Subclasses stop their agent in their own {@code @AfterEach}, which
 * JUnit runs before this one.
 */
abstract class RealServersTest {
  private static final Logger LOG = LoggerFactory.getLogger(RealServersTest.class);

  @TempDir Path dir;
  MosquittoServer mosquitto;
  VictoriaMetricsServer vm;
  TestWearables wearables;

  @BeforeEach
  void startServers() {
    mosquitto = new MosquittoServer().start();
    vm = new VictoriaMetricsServer().start();
  }

  @AfterEach
  void stopServers() {
    closeQuietly(wearables);
    closeQuietly(vm);
    closeQuietly(mosquitto);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("test teardown: {} did not close: {}", c, e.toString());
    }
  }
}
