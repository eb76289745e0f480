package org.affectgate.device.kiosk.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.TargetDataLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kiosk microphone source for a gateway with its own microphone: reads 16-bit mono PCM from a
 * Java Sound {@link TargetDataLine} on its own daemon thread and delivers {@link AudioChunk}s of
 * {@link LocalCaptureConfig#chunkMs()} to the listener, with seq +1 per chunk and the capture time
 * from the injected clock.
 *
 * <p>Format negotiation ({@link #negotiate}) tries 16-bit signed little-endian mono at the
 * preferred rate, then 16 000, 48 000, 44 100 and 22 050 Hz, and takes the first the line supports.
 * The samples go straight to the listener in memory; nothing is written anywhere.
 *
 * <p>Only construction and negotiation are exercised by the tests: the build machines have no
 * capture device. A line that fails while running is logged once and the thread ends; the agent
 * keeps running and {@link #running()} turns false.
 */
public final class JavaSoundCaptureSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JavaSoundCaptureSource.class);

  private final LocalCaptureConfig config;
  private final AudioListener listener;
  private final InstantSource clock;
  private volatile TargetDataLine line;
  private volatile Thread thread;
  private volatile boolean stopping;

  public JavaSoundCaptureSource(
      LocalCaptureConfig config, AudioListener listener, InstantSource clock) {
    this.config = config;
    this.listener = listener;
    this.clock = clock;
  }

  /** The candidate formats in the order they are tried. */
  public static List<AudioFormat> candidates(int preferredRateHz) {
    Set<Integer> rates = new LinkedHashSet<>();
    rates.add(preferredRateHz);
    rates.addAll(List.of(16_000, 48_000, 44_100, 22_050));
    List<AudioFormat> out = new ArrayList<>();
    for (int rate : rates) {
      out.add(new AudioFormat(rate, 16, 1, true, false));
    }
    return out;
  }

  /**
   * The first candidate format {@code supported} accepts.
   *
   * @param supported e.g. {@code f -> mixer.isLineSupported(new DataLine.Info(TargetDataLine.class,
   *     f))}
   */
  public static Optional<AudioFormat> negotiate(
      int preferredRateHz, Predicate<AudioFormat> supported) {
    return candidates(preferredRateHz).stream().filter(supported).findFirst();
  }

  /**
   * Opens the line and starts the capture thread.
   *
   * @throws LineUnavailableException when no mixer matches, no candidate format is supported or the
   *     line cannot be opened (the caller reports it; the rest of the agent keeps running)
   */
  public synchronized void start() throws LineUnavailableException {
    Mixer mixer = findMixer();
    Optional<AudioFormat> format =
        negotiate(
            config.preferredRateHz(),
            f -> {
              DataLine.Info info = new DataLine.Info(TargetDataLine.class, f);
              return mixer == null
                  ? AudioSystem.isLineSupported(info)
                  : mixer.isLineSupported(info);
            });
    if (format.isEmpty()) {
      throw new LineUnavailableException(
          "no 16-bit mono capture format at 16000/22050/44100/48000 Hz is supported");
    }
    DataLine.Info info = new DataLine.Info(TargetDataLine.class, format.get());
    TargetDataLine l =
        (TargetDataLine) (mixer == null ? AudioSystem.getLine(info) : mixer.getLine(info));
    int rate = (int) format.get().getSampleRate();
    int frames = rate * config.chunkMs() / 1000;
    l.open(format.get(), frames * 2 * 4);
    l.start();
    line = l;
    Thread t = new Thread(() -> capture(l, rate, frames), "kiosk-capture-" + config.kioskId());
    t.setDaemon(true);
    thread = t;
    t.start();
    log.info("local capture started: {} Hz mono, {} ms chunks", rate, config.chunkMs());
  }

  private Mixer findMixer() throws LineUnavailableException {
    if (config.mixer().isEmpty()) {
      return null;
    }
    for (Mixer.Info info : AudioSystem.getMixerInfo()) {
      if (info.getName().contains(config.mixer())) {
        return AudioSystem.getMixer(info);
      }
    }
    throw new LineUnavailableException("no Java Sound mixer named like " + config.mixer());
  }

  private void capture(TargetDataLine l, int rate, int frames) {
    byte[] buf = new byte[frames * 2];
    long seq = 0;
    boolean continuous = false;
    while (!stopping) {
      long t0 = clock.millis();
      int read = l.read(buf, 0, buf.length);
      if (read <= 0) {
        if (!stopping) {
          log.warn("local capture line returned no data; stopping capture");
        }
        break;
      }
      float[] samples = new float[read / 2];
      ByteBuffer b = ByteBuffer.wrap(buf, 0, read).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < samples.length; i++) {
        samples[i] = b.getShort() / 32768f;
      }
      try {
        listener.onChunk(
            new AudioChunk(config.site(), config.kioskId(), seq, t0, rate, 1, samples, continuous));
      } catch (RuntimeException e) {
        log.error("local capture listener failed", e);
      }
      seq = (seq + 1) & AudioFrameHeader.MAX_SEQ;
      continuous = read == buf.length;
    }
  }

  public boolean running() {
    Thread t = thread;
    return t != null && t.isAlive();
  }

  /** Stops the thread and closes the line; never throws. */
  @Override
  public synchronized void close() {
    stopping = true;
    TargetDataLine l = line;
    if (l != null) {
      l.stop();
      l.close();
    }
    Thread t = thread;
    if (t != null) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
