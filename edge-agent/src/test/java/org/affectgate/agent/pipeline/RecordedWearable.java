package org.affectgate.agent.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.device.wearable.PayloadFormat;

/**
 * A test wearable with a known RR pattern that remembers every beat it sent, so a test can compute
 * the expected HRV of any window independently of the agent's code. RR values are whole BLE ticks
 * (1/1024 s), so JSON and BLE frames carry exactly the same milliseconds.
 */
final class RecordedWearable {
  /** One beat: end time (epoch ms, as the agent assigns it) and interval (ms). */
  record Beat(double endMs, double rrMs) {}

  final String deviceId;
  final PayloadFormat format;
  private final int[] patternTicks;
  private int next;
  private long seq;
  final List<Beat> beats = new ArrayList<>();

  RecordedWearable(String deviceId, PayloadFormat format, int... patternTicks) {
    this.deviceId = deviceId;
    this.format = format;
    this.patternTicks = patternTicks;
  }

  /** The frame for the second ending at {@code tsMs}: whole beats adding up to about 1 s. */
  HrSample nextFrame(String site, long tsMs) {
    List<Double> rr = new ArrayList<>();
    double total = 0;
    while (total < 1000) {
      double ms = patternTicks[next++ % patternTicks.length] * 1000.0 / 1024.0;
      rr.add(ms);
      total += ms;
    }
    // The agent places the last RR at the frame time and each earlier one a (rounded) RR before.
    double back = 0;
    List<Beat> frameBeats = new ArrayList<>();
    for (int i = rr.size() - 1; i >= 0; i--) {
      frameBeats.add(0, new Beat(tsMs - Math.round(back), rr.get(i)));
      back += rr.get(i);
    }
    beats.addAll(frameBeats);
    int bpm = (int) Math.round(60_000.0 / (total / rr.size()));
    return new HrSample(site, deviceId, ++seq, tsMs, bpm, rr, Contact.DETECTED, null);
  }

  /** RR intervals of the beats ending in [endMs - windowMs, endMs), in order. */
  List<Double> rrInWindow(long endMs, long windowMs) {
    List<Double> out = new ArrayList<>();
    for (Beat b : beats) {
      if (b.endMs() >= endMs - windowMs && b.endMs() < endMs) {
        out.add(b.rrMs());
      }
    }
    return out;
  }
}
