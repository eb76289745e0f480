package org.affectgate.agent.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.affectgate.device.mqtt.testing.MosquittoServer;

/**
 * Mosquitto for the fault suite.
 *
 * <p><b>Why not {@code new MosquittoServer().start()} alone.</b> Started as root (as the suite
 * runs), Mosquitto drops its privileges to the {@code mosquitto} user, which cannot write the
 * helper's {@code 0700} temporary directory: its persistence file is never saved, so a restarted
 * broker has forgotten every persistent session and every queued QoS 1 message, and its log file is
 * never written. {@link MosquittoServerRestartTest} shows this. Until the helper is fixed, the
 * suite opens the directory to that user before the first start.
 */
final class Brokers {
  private Brokers() {}

  /** A started broker whose persistence works whichever user Mosquitto runs as. */
  static MosquittoServer persistent() {
    MosquittoServer broker = new MosquittoServer();
    openToMosquittoUser(broker.directory());
    openToMosquittoUser(broker.directory().resolve("data"));
    return broker.start();
  }

  private static void openToMosquittoUser(Path dir) {
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + dir + " to the mosquitto user", e);
    }
  }
}
