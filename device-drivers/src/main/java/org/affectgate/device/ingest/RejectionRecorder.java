package org.affectgate.device.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import org.affectgate.common.log.RateLimitedLog;
import org.slf4j.Logger;

/**
 * Counts and logs a rejected inbound payload: increments {@value #REJECTED_COUNTER} with tags
 * {@code reason} (the {@link RejectReason} name) and {@code format} ({@code json}, {@code ble} or
 * {@code unknown}), and writes at most one WARN line per reason per {@link #LOG_INTERVAL} with the
 * number suppressed since the previous line. Log lines carry the reason, format, a sanitised topic
 * and the parser's detail, never payload bytes.
 *
 * <p>Other stages (e.g. the consent gate counting {@link RejectReason#NO_CONSENT}) may create their
 * own instance on the same registry: counters with equal tags are shared. Thread-safe.
 */
public final class RejectionRecorder {
  public static final String REJECTED_COUNTER = "affectgate.ingest.rejected";
  public static final String FORMAT_UNKNOWN = "unknown";
  public static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  static final int MAX_LOGGED_TOPIC_CHARS = 128;

  private final MeterRegistry registry;
  private final RateLimitedLog limiter;
  private final Logger log;

  /**
   * @param log where the rate-limited WARN lines go
   */
  public RejectionRecorder(MeterRegistry registry, InstantSource clock, Logger log) {
    this.registry = registry;
    this.limiter = new RateLimitedLog(log, clock, LOG_INTERVAL);
    this.log = log;
  }

  /**
   * @param format meter tag value, {@code json}, {@code ble} or {@value #FORMAT_UNKNOWN}
   * @param topic the MQTT topic (logged truncated, with non-printable characters replaced and a
   *     wearable's device id masked)
   * @param detail the rejection detail (must not contain payload content)
   */
  public void reject(RejectReason reason, String format, String topic, String detail) {
    registry.counter(REJECTED_COUNTER, "reason", reason.name(), "format", format).increment();
    long suppressed = limiter.admit(reason);
    if (suppressed >= 0 && log.isWarnEnabled()) {
      log.warn(
          "Rejected {} payload on {}: {} ({}); {} similar suppressed in the last {} s",
          format,
          sanitise(redactWearableId(topic)),
          reason,
          detail,
          suppressed,
          LOG_INTERVAL.toSeconds());
    }
  }

  /**
   * The checks every MQTT source makes before parsing: a payload over {@code maxPayloadBytes} is
   * {@link RejectReason#PAYLOAD_TOO_LARGE}, an empty one {@link RejectReason#EMPTY_PAYLOAD}.
   *
   * @return true when the payload may be parsed; false when it was rejected (and counted)
   */
  public boolean admitSize(String format, String topic, byte[] payload, int maxPayloadBytes) {
    if (payload.length > maxPayloadBytes) {
      reject(
          RejectReason.PAYLOAD_TOO_LARGE,
          format,
          topic,
          payload.length + " bytes > " + maxPayloadBytes);
      return false;
    }
    if (payload.length == 0) {
      reject(RejectReason.EMPTY_PAYLOAD, format, topic, "0 bytes");
      return false;
    }
    return true;
  }

  /**
   * Replaces the segment after {@code wearable} with {@code *}: a wearable's device id is tied to a
   * person, so it stays out of logs (the counter and the reason say what went wrong).
   */
  static String redactWearableId(String topic) {
    if (topic == null) {
      return null;
    }
    String[] parts = topic.split("/", -1);
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i].equals("wearable")) {
        parts[i + 1] = "*";
      }
    }
    return String.join("/", parts);
  }

  static String sanitise(String topic) {
    if (topic == null) {
      return "<null>";
    }
    StringBuilder sb = new StringBuilder(Math.min(topic.length(), MAX_LOGGED_TOPIC_CHARS) + 3);
    for (int i = 0; i < topic.length() && i < MAX_LOGGED_TOPIC_CHARS; i++) {
      char c = topic.charAt(i);
      sb.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    if (topic.length() > MAX_LOGGED_TOPIC_CHARS) {
      sb.append("...");
    }
    return sb.toString();
  }
}
