package org.affectgate.device.gpio;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.device.wearable.WearableListener;

/**
 * Heart rate from a pulse line: each rising edge is a beat candidate; an edge within {@link
 * PulseConfig#refractory()} of the last accepted beat is noise (counted in {@code
 * affectgate.gpio.pulse.edges{outcome=refractory}}); the time between two accepted beats is an RR
 * interval, unless longer than {@link PulseConfig#maxInterval()} (the pulse was lost; {@code
 * outcome=gap}, no interval, the next beat starts afresh).
 *
 * <p>Every RR interval becomes one {@link HrSample} for the same {@link WearableListener} the MQTT
 * wearables feed: {@code rrMs} holds the interval (millisecond resolution of the clock), {@code
 * bpm} is {@code round(60000 / rr)}, {@code timestampMs} the beat's time, {@code seq} counts from
 * 1, contact is {@link Contact#NOT_SUPPORTED}. Artifact rejection stays in the HRV stage.
 *
 * <p>Threads: {@link #onLevel} on the GPIO event thread (synchronized); the listener is called on
 * it. Time comes from the injected clock, read when the edge is delivered.
 */
public final class PulseRrExtractor implements LevelListener {
  private final PulseConfig config;
  private final InstantSource clock;
  private final WearableListener listener;
  private final Counter beats;
  private final Counter refractory;
  private final Counter gaps;
  private boolean high;
  private Instant lastBeat;
  private long seq;

  public PulseRrExtractor(
      PulseConfig config, InstantSource clock, WearableListener listener, MeterRegistry registry) {
    this.config = config;
    this.clock = clock;
    this.listener = listener;
    this.beats = edges(registry, "beat");
    this.refractory = edges(registry, "refractory");
    this.gaps = edges(registry, "gap");
  }

  private static Counter edges(MeterRegistry registry, String outcome) {
    return Counter.builder("affectgate.gpio.pulse.edges")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** Attaches this extractor to {@code line}. */
  public PulseRrExtractor attach(LevelInput line) {
    line.listen(this);
    return this;
  }

  @Override
  public synchronized void onLevel(boolean level) {
    boolean rising = level && !high;
    high = level;
    if (rising) {
      onBeat(clock.instant());
    }
  }

  private void onBeat(Instant at) {
    if (lastBeat == null) {
      lastBeat = at;
      beats.increment();
      return;
    }
    Duration rr = Duration.between(lastBeat, at);
    if (rr.compareTo(config.refractory()) < 0) {
      refractory.increment();
      return;
    }
    beats.increment();
    lastBeat = at;
    if (rr.compareTo(config.maxInterval()) > 0) {
      gaps.increment();
      return;
    }
    double rrMs = rr.toNanos() / 1e6;
    int bpm = (int) Math.max(1, Math.min(299, Math.round(60_000 / rrMs)));
    seq++;
    listener.onSample(
        new HrSample(
            config.site(),
            config.deviceId(),
            seq,
            at.toEpochMilli(),
            bpm,
            List.of(rrMs),
            Contact.NOT_SUPPORTED,
            null));
  }
}
