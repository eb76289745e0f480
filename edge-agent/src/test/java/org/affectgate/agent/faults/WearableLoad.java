package org.affectgate.agent.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.device.wearable.BleHrEncoder;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.device.wearable.JsonHrEncoder;
import org.affectgate.device.wearable.PayloadFormat;
import org.affectgate.device.wearable.WearableTopics;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * The load generator: simulated wearables (JSON and BLE alternately) publishing one frame per
 * device per period at QoS 1 on their own thread, with RR intervals from a fixed per-device pattern
 * (whole 1/1024 s ticks, so both formats carry the same milliseconds) stamped with the wall clock.
 *
 * <p><b>Acknowledged.</b> A frame counts as acknowledged when the broker's PUBACK arrived. A frame
 * whose publish fails (broker stopped, connection lost) is republished, same seq and same bytes,
 * after reconnecting, until it is acknowledged: every seq a device used is therefore acknowledged
 * exactly once by the end (a frame the broker stored before the failure may reach the agent twice,
 * which the agent must count as a {@code DUPLICATE}), and the agent must end up having accepted
 * exactly {@link #acked()} frames. Frames pending when {@link #stop()} is called are given up and
 * not counted.
 */
final class WearableLoad implements AutoCloseable {
  /** One simulated wearable. Mutated by the load thread only. */
  static final class Device {
    final String id;
    final PayloadFormat format;
    private final int[] ticks;
    private int next;
    private long seq;

    Device(String id, PayloadFormat format, int... ticks) {
      this.id = id;
      this.format = format;
      this.ticks = ticks;
    }

    /** The frame covering about {@code periodMs} of beats and ending at {@code tsMs}. */
    byte[] nextFrame(String site, long tsMs, long periodMs) {
      List<Double> rr = new ArrayList<>();
      double total = 0;
      while (total < periodMs) {
        double ms = ticks[next++ % ticks.length] * 1000.0 / 1024.0;
        rr.add(ms);
        total += ms;
      }
      int bpm = (int) Math.round(60_000.0 / (total / rr.size()));
      HrSample s = new HrSample(site, id, ++seq, tsMs, bpm, rr, Contact.DETECTED, null);
      return format == PayloadFormat.BLE
          ? new BleHrEncoder().encode(s)
          : new JsonHrEncoder().encode(s);
    }
  }

  private final String brokerUri;
  private final String site;
  private final List<Device> devices;
  private final long periodMs;
  private final WearableTopics topics = new WearableTopics(AgentYaml.PREFIX);
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong republished = new AtomicLong();
  private volatile boolean running;
  private Thread thread;
  private MqttPublisher client;

  /**
   * @param periodMs one frame per device per period
   */
  WearableLoad(String brokerUri, String site, List<Device> devices, long periodMs) {
    this.brokerUri = brokerUri;
    this.site = site;
    this.devices = List.copyOf(devices);
    this.periodMs = periodMs;
  }

  /**
   * {@code n} devices {@code PREFIX-0 .. PREFIX-(n-1)}, even ones JSON and odd ones BLE, each with
   * its own RR pattern (about 650-950 ms, changes under 20 % so the artifact filter keeps them).
   */
  static List<Device> devices(String idPrefix, int n) {
    List<Device> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int base = 650 + 45 * (i % 7);
      int step = 12 + 7 * (i % 5);
      out.add(
          new Device(
              idPrefix + "-" + i,
              i % 2 == 0 ? PayloadFormat.JSON : PayloadFormat.BLE,
              base,
              base + step,
              base + step / 2,
              base - step / 3));
    }
    return out;
  }

  /** Starts publishing on thread {@code wearable-load}. */
  synchronized WearableLoad start() {
    running = true;
    thread = new Thread(this::run, "wearable-load");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Stops after the frame in progress (given up if unacknowledged) and waits for the thread. */
  synchronized void stop() {
    running = false;
    if (thread != null) {
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (client != null) {
      client.close();
      client = null;
    }
  }

  /** Frames acknowledged by the broker so far (each seq once). */
  long acked() {
    return acked.get();
  }

  /** Publishes repeated after a failure (same frame). */
  long republished() {
    return republished.get();
  }

  private void run() {
    while (running) {
      long tick = System.currentTimeMillis();
      for (Device d : devices) {
        if (!running) {
          return;
        }
        byte[] frame = d.nextFrame(site, System.currentTimeMillis(), periodMs);
        publishUntilAcked(topics.topic(site, d.id, d.format), frame);
      }
      long wait = tick + periodMs - System.currentTimeMillis();
      if (wait > 0) {
        sleep(wait);
      }
    }
  }

  private void publishUntilAcked(String topic, byte[] frame) {
    boolean first = true;
    while (running) {
      try {
        if (client == null) {
          client = new MqttPublisher(brokerUri);
        }
        if (!first) {
          republished.incrementAndGet();
        }
        first = false;
        client.publish(topic, frame, 1, false);
        acked.incrementAndGet();
        return;
      } catch (MqttException e) {
        if (client != null) {
          client.close();
          client = null;
        }
        sleep(100);
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
