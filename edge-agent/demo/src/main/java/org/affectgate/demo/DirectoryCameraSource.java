package org.affectgate.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.CameraTopics;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.device.mqtt.MqttUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A demo kiosk camera that plays a directory of images: every {@code .jpg}, {@code .jpeg} and
 * {@code .png} file, in name order, in a loop, each published {@code repeat} times as frames (QoS
 * 0) at {@code fps}, with the kiosk header (increasing seq, capture time from the clock). Files are
 * read once at start-up, kept in memory only and sent as they are; the agent's own checks decide
 * what it accepts. Consecutive images whose faces overlap continue the same track, so the face
 * count errs low (k-suppression errs on the safe side).
 *
 * <p>Threads: one scheduler thread of its own; {@link #close()} stops it.
 */
final class DirectoryCameraSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryCameraSource.class);

  private final MqttTransport transport;
  private final String topic;
  private final List<byte[]> images;
  private final int repeat;
  private final long periodMs;
  private final InstantSource clock;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "camera-directory-source");
            t.setDaemon(true);
            return t;
          });
  private long seq;
  private long failed;

  /**
   * @throws IOException if the directory cannot be listed or read
   * @throws IllegalArgumentException if it holds no image, or fps/repeat are out of range
   */
  public DirectoryCameraSource(
      MqttTransport transport,
      CameraTopics topics,
      String site,
      String kioskId,
      Path directory,
      double fps,
      int repeat,
      InstantSource clock)
      throws IOException {
    if (!(fps > 0 && fps <= 60)) {
      throw new IllegalArgumentException("--camera-fps must be in (0, 60] (got " + fps + ")");
    }
    if (repeat < 1) {
      throw new IllegalArgumentException("--camera-repeat must be >= 1 (got " + repeat + ")");
    }
    try (Stream<Path> files = Files.list(directory)) {
      this.images =
          files
              .filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
                  })
              .sorted()
              .map(DirectoryCameraSource::read)
              .toList();
    }
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no .jpg, .jpeg or .png file in " + directory);
    }
    this.transport = transport;
    this.topic = topics.topic(site, kioskId);
    this.repeat = repeat;
    this.periodMs = Math.max(1, Math.round(1000 / fps));
    this.clock = clock;
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + p, e);
    }
  }

  public int imageCount() {
    return images.size();
  }

  public void start() {
    scheduler.scheduleAtFixedRate(this::publishNext, 0, periodMs, TimeUnit.MILLISECONDS);
  }

  private void publishNext() {
    byte[] image = images.get((int) ((seq / repeat) % images.size()));
    try {
      transport.publish(
          topic, CameraPayloadParser.encode(seq & 0xFFFF_FFFFL, clock.millis(), image), 0, false);
    } catch (MqttUnavailableException e) {
      if (failed++ % 100 == 0) {
        LOG.warn("demo camera: broker unavailable, {} frames not sent so far", failed);
      }
    } catch (RuntimeException e) {
      LOG.warn("demo camera: publish failed: {}", e.toString());
    }
    seq++;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
