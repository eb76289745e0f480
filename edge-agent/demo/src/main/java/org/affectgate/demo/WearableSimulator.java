package org.affectgate.demo;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.device.mqtt.MqttUnavailableException;
import org.affectgate.device.wearable.BleHrEncoder;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.device.wearable.JsonHrEncoder;
import org.affectgate.device.wearable.PayloadFormat;
import org.affectgate.device.wearable.WearableTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated wearables that replay recorded RR intervals in real time over MQTT, the way a BLE
 * bridge would: once per second each device publishes one frame holding every beat that ended in
 * that second (none during a recording gap), as JSON or as a BLE 0x2A37 frame. Recordings loop.
 *
 * <p>Threads: one scheduler thread of its own; {@link #close()} stops it.
 */
final class WearableSimulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WearableSimulator.class);

  /** One simulated device. */
  public record Device(String deviceId, RrRecording recording, PayloadFormat format) {}

  private final MqttTransport transport;
  private final WearableTopics topics;
  private final String site;
  private final InstantSource clock;
  private final List<Cursor> cursors = new ArrayList<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "wearable-simulator");
            t.setDaemon(true);
            return t;
          });
  private final JsonHrEncoder json = new JsonHrEncoder();
  private final BleHrEncoder ble = new BleHrEncoder();
  private long published;
  private long failed;

  public WearableSimulator(
      MqttTransport transport,
      WearableTopics topics,
      String site,
      List<Device> devices,
      InstantSource clock) {
    this.transport = transport;
    this.topics = topics;
    this.site = site;
    this.clock = clock;
    for (Device d : devices) {
      cursors.add(new Cursor(d));
    }
  }

  /** Starts publishing, one frame per device per second. */
  public void start() {
    long start = clock.millis();
    scheduler.scheduleAtFixedRate(() -> publishSecond(start), 1000, 1000, TimeUnit.MILLISECONDS);
  }

  private void publishSecond(long startMs) {
    long now = clock.millis();
    double elapsed = (now - startMs) / 1000.0;
    for (Cursor c : cursors) {
      HrSample s = c.next(site, elapsed, now);
      byte[] payload = c.device.format() == PayloadFormat.BLE ? ble.encode(s) : json.encode(s);
      try {
        transport.publish(
            topics.topic(site, c.device.deviceId(), c.device.format()), payload, 1, false);
        published++;
      } catch (MqttUnavailableException e) {
        failed++;
        if (failed % 60 == 1) {
          LOG.warn(
              "simulator: broker not accepting publishes ({}); {} frames lost so far",
              e.getMessage(),
              failed);
        }
      }
    }
  }

  /** Frames handed to the broker so far. Read from any thread; approximate while running. */
  public long published() {
    return published;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  /** Replay position of one device; only touched by the scheduler thread. */
  private static final class Cursor {
    private final Device device;
    private int index;
    private double loopOffset;
    private long seq;
    private int lastBpm = 70;

    Cursor(Device device) {
      this.device = device;
    }

    HrSample next(String site, double elapsedSeconds, long nowMs) {
      RrRecording rec = device.recording();
      List<Double> rr = new ArrayList<>();
      while (true) {
        if (index == rec.rrMs().length) {
          index = 0;
          loopOffset += rec.durationSeconds() + 1.0;
        }
        if (loopOffset + rec.beatEndSeconds()[index] > elapsedSeconds) {
          break;
        }
        rr.add(rec.rrMs()[index]);
        index++;
      }
      if (!rr.isEmpty()) {
        double mean = rr.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        lastBpm = (int) Math.max(1, Math.min(299, Math.round(60_000.0 / mean)));
      }
      return new HrSample(
          site, device.deviceId(), ++seq, nowMs, lastBpm, rr, Contact.DETECTED, null);
    }
  }
}
