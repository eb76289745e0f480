package org.affectgate.demo;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.affectgate.device.kiosk.audio.AudioFrameHeader;
import org.affectgate.device.kiosk.audio.KioskAudioTopics;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.device.mqtt.MqttUnavailableException;

/**
 * A kiosk "microphone" for the demo: replays the bundled EmoDB utterances in a loop, each followed
 * by {@value #PAUSE_MS} ms of silence, as {@value #CHUNK_MS} ms PCM chunks in real time on {@code
 * {prefix}/{site}/kiosk/{kioskId}/audio}, exactly as a kiosk would publish them. Owns a scheduler
 * thread.
 */
final class KioskMicrophoneSimulator implements AutoCloseable {
  static final int CHUNK_MS = 100;
  static final int PAUSE_MS = 1500;
  static final String[] CLIPS = {"03a01Wa", "08a02Na", "11a02Tc", "12a01Lb", "09a01Ea"};

  private final MqttTransport transport;
  private final String topic;
  private final InstantSource clock;
  private final int rate;
  private final short[] loop;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kiosk-microphone-simulator");
            t.setDaemon(true);
            return t;
          });
  private int position;
  private long seq;

  public KioskMicrophoneSimulator(
      MqttTransport transport,
      KioskAudioTopics topics,
      String site,
      String kioskId,
      InstantSource clock)
      throws IOException {
    this(transport, topics, site, kioskId, clock, CLIPS);
  }

  /**
   * As above, replaying {@code clips} (EmoDB names bundled here, e.g. {@code 03a01Wa}) in order.
   */
  KioskMicrophoneSimulator(
      MqttTransport transport,
      KioskAudioTopics topics,
      String site,
      String kioskId,
      InstantSource clock,
      String[] clips)
      throws IOException {
    this.transport = transport;
    this.topic = topics.topic(site, kioskId);
    this.clock = clock;
    List<short[]> parts = new ArrayList<>();
    int r = 0;
    for (String clip : clips) {
      Clip c = read("/org/affectgate/demo/voice/emodb-" + clip + ".wav");
      r = c.rate;
      parts.add(c.pcm);
      parts.add(new short[c.rate * PAUSE_MS / 1000]);
    }
    this.rate = r;
    this.loop = parts.stream().reduce(new short[0], KioskMicrophoneSimulator::concat);
  }

  private record Clip(int rate, short[] pcm) {}

  private static Clip read(String resource) throws IOException {
    InputStream raw = KioskMicrophoneSimulator.class.getResourceAsStream(resource);
    if (raw == null) {
      throw new IOException("bundled clip missing: " + resource);
    }
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new BufferedInputStream(raw))) {
      byte[] bytes = in.readAllBytes();
      short[] pcm = new short[bytes.length / 2];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
      return new Clip((int) in.getFormat().getSampleRate(), pcm);
    } catch (UnsupportedAudioFileException e) {
      throw new IOException(resource + ": " + e.getMessage(), e);
    }
  }

  private static short[] concat(short[] a, short[] b) {
    short[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Starts publishing one chunk every {@value #CHUNK_MS} ms. */
  public void start() {
    scheduler.scheduleAtFixedRate(this::publishChunk, CHUNK_MS, CHUNK_MS, TimeUnit.MILLISECONDS);
  }

  private void publishChunk() {
    int n = rate * CHUNK_MS / 1000;
    short[] chunk = new short[n];
    for (int i = 0; i < n; i++) {
      chunk[i] = loop[(position + i) % loop.length];
    }
    position = (position + n) % loop.length;
    byte[] payload =
        AudioFrameHeader.encode(rate, 1, seq, Math.max(0, clock.millis() - CHUNK_MS), chunk);
    seq = (seq + 1) & AudioFrameHeader.MAX_SEQ;
    try {
      transport.publish(topic, payload, 1, false);
    } catch (MqttUnavailableException e) {
      // the agent sees a seq gap and never joins audio across it
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
